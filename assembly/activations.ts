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
  1.0, -7.90531110763549805, -2.0, 0.5, // 12..15 (13: −clamp of the rational tanh, 14 unused)
  <f32>(1.0 / 6.0), SELU_SCALE, SELU_SCALE * SELU_ALPHA, 0.0, // 16..19
  // rational tanh (tanhV): clamp, numerator x·(a1 + a3·x² + … + a13·x¹²), denominator b0 + b2·x² + b4·x⁴ + b6·x⁶
  7.90531110763549805, // 20
  4.89352455891786e-03, 6.37261928875436e-04, 1.48572235717979e-05, 5.12229709037114e-08, // 21..24: a1 a3 a5 a7
  -8.60467152213735e-11, 2.00018790482477e-13, -2.76076847742355e-16, // 25..27: a9 a11 a13
  4.89352518554385e-03, 2.26843463243900e-03, 1.18534705686654e-04, 1.19825839466702e-06, // 28..31: b0 b2 b4 b6
]);
export const K_ONE = 12, K_HALF = 15, K_SIXTH = 16, K_SELU_S = 17, K_SELU_SA = 18;

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

/**
 * tanh as a rational function x·P(x²)/Q(x²) (degrees 13/6), clamped to ±7.9053 where it
 * reaches ±(1 − 2⁻²³): absolute error ≤ 3.5e-7 over all x (checked in float32 against
 * float64 tanh on a 2·10⁶-point grid of [−12, 12]), one division and 9 multiply-adds
 * instead of the range reduction and exponent arithmetic of expV. Also relatively accurate
 * near 0, where 2σ(2x) − 1 through expV would cancel (tanh(1e-5) off by ~1%).
 */
// @ts-ignore: decorator
@inline export function tanhV(x0: v128): v128 {
  const x = f32x4.pmax(f32x4.pmin(x0, kc(20)), kc(13)); // −clamp from the table: V8 would build a negation from three instructions
  const x2 = f32x4.mul(x, x);
  let p = kc(27);
  p = madd(p, x2, kc(26));
  p = madd(p, x2, kc(25));
  p = madd(p, x2, kc(24));
  p = madd(p, x2, kc(23));
  p = madd(p, x2, kc(22));
  p = madd(p, x2, kc(21));
  let q = kc(31);
  q = madd(q, x2, kc(30));
  q = madd(q, x2, kc(29));
  q = madd(q, x2, kc(28));
  return f32x4.div(f32x4.mul(x, p), q);
}

/** σ(x) = ½·tanh(x/2) + ½ on the rational tanh: absolute error ≤ 2.5e-7 (not relative: σ(−20) comes out ~1e-7, not 2e-9). */
// @ts-ignore: decorator
@inline export function sigmoidRationalV(x: v128): v128 {
  const half = kc(K_HALF);
  return madd(tanhV(f32x4.mul(x, half)), half, half);
}

/**
 * Activations inside the recurrent kernels: gates only need absolute accuracy (they multiply
 * states in [−1, 1]), so sigmoid uses the rational form; the elementwise kernel keeps the
 * exp-based sigmoid (relative accuracy for tiny outputs). tanh is rational everywhere.
 */
// @ts-ignore: decorator
@inline export function gateV(code: i32, x: v128): v128 {
  if (code == SIGMOID) return sigmoidRationalV(x);
  return actV(code, x);
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
