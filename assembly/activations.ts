// Activation functions on f32x4 vectors: the codes shared with the JS side, the
// vector constant table, the e^x / sigmoid / tanh approximations, and actV / dactV
// (value and derivative by code) used by the elementwise and recurrent kernels.

import { madd } from './simd';

// ---------------------------------------------------------------------------
// Activation codes (must match ACT_CODES in src/kernels/wasm/activations.ts)
export const LINEAR: i32 = 0;
export const SIGMOID: i32 = 1;
export const HARD_SIGMOID: i32 = 2;
export const TANH: i32 = 3;
export const RELU: i32 = 4;
export const SOFTPLUS: i32 = 5;
export const ELU: i32 = 6;
export const SELU: i32 = 7;
export const EXPONENTIAL: i32 = 8;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;

// Vector constants live in memory and are loaded with load32_splat (one vbroadcastss):
// V8 would otherwise rebuild every v128.const inside the loop with three instructions.
const KT: usize = memory.data<f32>([
  88.3762626647949, -87.3365478515625, 1.44269504088896341, 12582912.0, // 0..3
  0.693359375, -2.12194440e-4, 1.9875691500e-4, 1.3981999507e-3, // 4..7
  8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, // 8..11
  1.0, 2.0, -2.0, 0.5, // 12..15
  <f32>(1.0 / 6.0), SELU_SCALE, SELU_SCALE * SELU_ALPHA, 0.0, // 16..19
]);
export const K_ONE = 12, K_TWO = 13, K_MTWO = 14, K_HALF = 15, K_SIXTH = 16, K_SELU_S = 17, K_SELU_SA = 18;

// @ts-ignore: decorator
@inline export function kc(i: i32): v128 {
  return v128.load32_splat(KT + (<usize>i << 2));
}

/**
 * e^x, Cephes-style range reduction + degree-6 polynomial (~1-2 ulp). Uses only ops that
 * V8 lowers to one instruction (pmin/pmax instead of min/max, the 1.5·2^23 rounding trick
 * instead of nearest + trunc_sat).
 */
// @ts-ignore: decorator
@inline export function expV(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, kc(0)), kc(1));
  const magic = kc(3); // 1.5·2^23: adding it rounds to an integer kept in the low mantissa bits
  const t = f32x4.add(f32x4.mul(x, kc(2)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, kc(4)));
  r = f32x4.sub(r, f32x4.mul(n, kc(5)));
  let p = kc(6);
  p = madd(p, r, kc(7));
  p = madd(p, r, kc(8));
  p = madd(p, r, kc(9));
  p = madd(p, r, kc(10));
  p = madd(p, r, kc(11));
  const one = kc(K_ONE);
  p = f32x4.add(madd(p, f32x4.mul(r, r), r), one);
  // 2^n: the low bits of t hold n (two's complement); shift them into the exponent field (+127 = bits of 1.0)
  const e = i32x4.add(i32x4.shl(t, 23), one);
  return f32x4.mul(p, e);
}

// @ts-ignore: decorator
@inline export function sigmoidV(x: v128): v128 {
  const one = kc(K_ONE);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** tanh(x) = 2σ(2x) − 1 (absolute error ~1e-7; the clamp in expV keeps ±large finite). */
// @ts-ignore: decorator
@inline export function tanhV(x: v128): v128 {
  const one = kc(K_ONE);
  const e = expV(f32x4.mul(x, kc(K_MTWO)));
  return f32x4.sub(f32x4.div(kc(K_TWO), f32x4.add(one, e)), one);
}

// @ts-ignore: decorator
@inline function laneMap(code: i32, x: v128): v128 {
  let r = f32x4.splat(0);
  r = f32x4.replace_lane(r, 0, actS(code, f32x4.extract_lane(x, 0)));
  r = f32x4.replace_lane(r, 1, actS(code, f32x4.extract_lane(x, 1)));
  r = f32x4.replace_lane(r, 2, actS(code, f32x4.extract_lane(x, 2)));
  r = f32x4.replace_lane(r, 3, actS(code, f32x4.extract_lane(x, 3)));
  return r;
}

function actS(code: i32, x: f32): f32 {
  switch (code) {
    case SOFTPLUS:
      return x > 20 ? x : <f32>Math.log1p(Math.exp(<f64>x));
    case ELU:
      return x > 0 ? x : <f32>Math.expm1(<f64>x);
    case SELU:
      return x > 0 ? SELU_SCALE * x : <f32>(<f64>SELU_SCALE * <f64>SELU_ALPHA * Math.expm1(<f64>x));
    default:
      return x;
  }
}

// @ts-ignore: decorator
@inline export function actV(code: i32, x: v128): v128 {
  if (code == SIGMOID) return sigmoidV(x);
  if (code == TANH) return tanhV(x);
  if (code == LINEAR) return x;
  if (code == RELU) return f32x4.pmax(x, f32x4.splat(0));
  if (code == HARD_SIGMOID) {
    return f32x4.pmin(f32x4.pmax(f32x4.add(f32x4.mul(x, kc(K_SIXTH)), kc(K_HALF)), f32x4.splat(0)), kc(K_ONE));
  }
  if (code == EXPONENTIAL) return expV(x);
  return laneMap(code, x);
}

/** dy/dx expressed through the output y (valid for every elementwise activation here). */
// @ts-ignore: decorator
@inline export function dactV(code: i32, y: v128): v128 {
  const one = kc(K_ONE);
  const zero = f32x4.splat(0);
  if (code == SIGMOID) return f32x4.mul(y, f32x4.sub(one, y));
  if (code == TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (code == LINEAR) return one;
  if (code == RELU) return v128.and(f32x4.gt(y, zero), one);
  if (code == HARD_SIGMOID) return v128.and(v128.and(f32x4.gt(y, zero), f32x4.lt(y, one)), kc(K_SIXTH));
  if (code == EXPONENTIAL) return y;
  if (code == SOFTPLUS) return f32x4.sub(one, expV(f32x4.neg(y)));
  if (code == ELU) return v128.bitselect(one, f32x4.add(y, one), f32x4.gt(y, zero));
  if (code == SELU) return v128.bitselect(kc(K_SELU_S), f32x4.add(y, kc(K_SELU_SA)), f32x4.gt(y, zero));
  return one;
}
