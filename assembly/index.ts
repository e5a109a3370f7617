// recurrent — wasm SIMD kernels (AssemblyScript, --runtime stub, raw pointers).
//
// Everything works on raw byte addresses into linear memory handed over by the
// JS side (src/kernels/wasm/). No managed objects, no mutable globals: the same
// module can run on several threads over one shared memory.
//
// Layouts (row-major f32): sequences are [B, T, F] in *processing order*
// (the JS side reverses x for goBackwards), so row b*T + s is step s of batch b.
// Gate blocks follow Keras: LSTM i|f|c|o, GRU z|r|h.

// ---------------------------------------------------------------------------
// Activation codes (must match src/kernels/wasm/index.ts)
const LINEAR: i32 = 0;
const SIGMOID: i32 = 1;
const HARD_SIGMOID: i32 = 2;
const TANH: i32 = 3;
const RELU: i32 = 4;
const SOFTPLUS: i32 = 5;
const ELU: i32 = 6;
const SELU: i32 = 7;
const EXPONENTIAL: i32 = 8;

const SELU_ALPHA: f32 = 1.6732632423543772;
const SELU_SCALE: f32 = 1.0507009873554805;

export function heapBase(): usize {
  return __heap_base;
}

// ---------------------------------------------------------------------------
// Vector math

/** c + a·b: one fused multiply-add in the relaxed-SIMD build, mul + add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Vector constants live in memory and are loaded with load32_splat (one vbroadcastss):
// V8 would otherwise rebuild every v128.const inside the loop with three instructions.
const KT: usize = memory.data<f32>([
  88.3762626647949, -87.3365478515625, 1.44269504088896341, 12582912.0, // 0..3
  0.693359375, -2.12194440e-4, 1.9875691500e-4, 1.3981999507e-3, // 4..7
  8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, // 8..11
  1.0, 2.0, -2.0, 0.5, // 12..15
  <f32>(1.0 / 6.0), SELU_SCALE, SELU_SCALE * SELU_ALPHA, 0.0, // 16..19
]);
const K_ONE = 12, K_TWO = 13, K_MTWO = 14, K_HALF = 15, K_SIXTH = 16, K_SELU_S = 17, K_SELU_SA = 18;

// @ts-ignore: decorator
@inline function kc(i: i32): v128 {
  return v128.load32_splat(KT + (<usize>i << 2));
}

/**
 * e^x, Cephes-style range reduction + degree-6 polynomial (~1-2 ulp). Uses only ops that
 * V8 lowers to one instruction (pmin/pmax instead of min/max, the 1.5·2^23 rounding trick
 * instead of nearest + trunc_sat).
 */
// @ts-ignore: decorator
@inline function expV(x0: v128): v128 {
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
@inline function sigmoidV(x: v128): v128 {
  const one = kc(K_ONE);
  return f32x4.div(one, f32x4.add(one, expV(f32x4.neg(x))));
}

/** tanh(x) = 2σ(2x) − 1 (absolute error ~1e-7; the clamp in expV keeps ±large finite). */
// @ts-ignore: decorator
@inline function tanhV(x: v128): v128 {
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
@inline function actV(code: i32, x: v128): v128 {
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
@inline function dactV(code: i32, y: v128): v128 {
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

/** Loads n (1..4) floats; lanes past n are 0. */
// @ts-ignore: decorator
@inline function ld(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline function st(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// ---------------------------------------------------------------------------
// GEMM: C[M,N] += A·B with A(i,k) at a + 4(i·ars + k·acs), B(k,j) at b + 4(k·ldb + j),
// C(i,j) at c + 4(i·ldc + j). acs = 1 is A row-major, ars = 1 is Aᵀ (weight gradients).
// Register tile 4×8 (8 f32x4 accumulators), K blocked by KC, N by NC (B panel in L2).

const KC: i32 = 256;
const NC: i32 = 512;

// @ts-ignore: decorator
@inline function mk4x8(kc: i32, pa: usize, ars: usize, acs: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  const pc1 = pc + ldc, pc2 = pc1 + ldc, pc3 = pc2 + ldc;
  let c00 = v128.load(pc), c01 = v128.load(pc, 16);
  let c10 = v128.load(pc1), c11 = v128.load(pc1, 16);
  let c20 = v128.load(pc2), c21 = v128.load(pc2, 16);
  let c30 = v128.load(pc3), c31 = v128.load(pc3, 16);
  const ars2 = ars + ars, ars3 = ars2 + ars;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa + ars);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa + ars2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa + ars3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += acs;
    pb += ldb;
  }
  v128.store(pc, c00); v128.store(pc, c01, 16);
  v128.store(pc1, c10); v128.store(pc1, c11, 16);
  v128.store(pc2, c20); v128.store(pc2, c21, 16);
  v128.store(pc3, c30); v128.store(pc3, c31, 16);
}

/** 4 rows × n (1..4) columns. */
// @ts-ignore: decorator
@inline function mk4xn(n: i32, kc: i32, pa: usize, ars: usize, acs: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  const pc1 = pc + ldc, pc2 = pc1 + ldc, pc3 = pc2 + ldc;
  let c0 = ld(pc, n), c1 = ld(pc1, n), c2 = ld(pc2, n), c3 = ld(pc3, n);
  const ars2 = ars + ars, ars3 = ars2 + ars;
  for (let k = 0; k < kc; k++) {
    const b0 = ld(pb, n);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa + ars), b0, c1);
    c2 = madd(v128.load32_splat(pa + ars2), b0, c2);
    c3 = madd(v128.load32_splat(pa + ars3), b0, c3);
    pa += acs;
    pb += ldb;
  }
  st(pc, c0, n); st(pc1, c1, n); st(pc2, c2, n); st(pc3, c3, n);
}

/** 1 row × 8 columns. */
// @ts-ignore: decorator
@inline function mk1x8(kc: i32, pa: usize, acs: usize, pb: usize, ldb: usize, pc: usize): void {
  let c0 = v128.load(pc), c1 = v128.load(pc, 16);
  for (let k = 0; k < kc; k++) {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    c1 = madd(a, v128.load(pb, 16), c1);
    pa += acs;
    pb += ldb;
  }
  v128.store(pc, c0); v128.store(pc, c1, 16);
}

// @ts-ignore: decorator
@inline function mk1xn(n: i32, kc: i32, pa: usize, acs: usize, pb: usize, ldb: usize, pc: usize): void {
  let c0 = ld(pc, n);
  for (let k = 0; k < kc; k++) {
    c0 = madd(v128.load32_splat(pa), ld(pb, n), c0);
    pa += acs;
    pb += ldb;
  }
  st(pc, c0, n);
}

export function gemm(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, b: usize, ldb: i32, c: usize, ldc: i32): void {
  if (M <= 0 || N <= 0 || K <= 0) return;
  const ars4 = <usize>ars << 2, acs4 = <usize>acs << 2, ldb4 = <usize>ldb << 2, ldc4 = <usize>ldc << 2;
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const pak = a + <usize>k0 * acs4;
    const pbk = b + <usize>k0 * ldb4;
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      const pbj = pbk + (<usize>j0 << 2);
      const pcj = c + (<usize>j0 << 2);
      let i = 0;
      for (; i + 4 <= M; i += 4) {
        const pa = pak + <usize>i * ars4;
        const pc = pcj + <usize>i * ldc4;
        let j = 0;
        for (; j + 8 <= nc; j += 8) mk4x8(kc, pa, ars4, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4);
        for (; j < nc; j += 4) mk4xn(min(4, nc - j), kc, pa, ars4, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4);
      }
      for (; i < M; i++) {
        const pa = pak + <usize>i * ars4;
        const pc = pcj + <usize>i * ldc4;
        let j = 0;
        for (; j + 8 <= nc; j += 8) mk1x8(kc, pa, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2));
        for (; j < nc; j += 4) mk1xn(min(4, nc - j), kc, pa, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2));
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Packed-B GEMM. packB lays B [K,N] (any strides) out as ⌈N/8⌉ panels of [K][8]
// (zero-padded), so the micro-kernel streams B contiguously; transposed operands
// (Uᵀ, Wᵀ) are packed straight from the untransposed matrix. gemmP walks
// k-blocks (KC) → row blocks (MC, A block in L2) → 8-column panels (B micro-panel
// in L1) → 4-row tiles.

const MC: i32 = 128;

/** dst ← B packed; B(k, j) at b + 4(k·brs + j·bcs). dst needs ⌈N/8⌉·8·K floats. */
export function packB(dst: usize, b: usize, K: i32, N: i32, brs: i32, bcs: i32): void {
  const brs4 = <usize>brs << 2, bcs4 = <usize>bcs << 2;
  let q = dst;
  for (let j0 = 0; j0 < N; j0 += 8) {
    const nv = min(8, N - j0);
    if (nv == 8 && bcs == 1) {
      let p = b + (<usize>j0 << 2);
      for (let k = 0; k < K; k++) {
        v128.store(q, v128.load(p));
        v128.store(q, v128.load(p, 16), 16);
        p += brs4;
        q += 32;
      }
    } else {
      for (let k = 0; k < K; k++) {
        const p = b + <usize>k * brs4 + <usize>j0 * bcs4;
        for (let jj = 0; jj < 8; jj++) store<f32>(q + (<usize>jj << 2), jj < nv ? load<f32>(p + <usize>jj * bcs4) : 0);
        q += 32;
      }
    }
  }
}

/** C[M,N] = bias (broadcast rows; zeros when bias == 0) + A·B, B packed. */
export function gemmPBias(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, bp: usize, Kp: i32, c: usize, ldc: i32, bias: usize): void {
  gemmPImpl(M, N, K, a, ars, acs, bp, Kp, c, ldc, true, bias);
}

/** Floats needed by packB for a K×N matrix. */
export function packedSize(K: i32, N: i32): i32 {
  return ((N + 7) >> 3) * 8 * K;
}

// @ts-ignore: decorator
@inline function ld8hi(p: usize, nv: i32): v128 {
  return nv > 4 ? ld(p + 16, nv - 4) : f32x4.splat(0);
}

// @ts-ignore: decorator
@inline function st8(p: usize, lo: v128, hi: v128, nv: i32): void {
  if (nv == 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else {
    st(p, lo, min(4, nv));
    if (nv > 4) st(p + 16, hi, nv - 4);
  }
}

/** 4 rows × 8 packed columns (nv valid). */
// @ts-ignore: decorator
@inline function mkp4x8(kc: i32, pa: usize, ars: usize, acs: usize, pb: usize, pc: usize, ldc: usize, nv: i32, init: bool, bias: usize): void {
  const pc1 = pc + ldc, pc2 = pc1 + ldc, pc3 = pc2 + ldc;
  const n0 = min(4, nv);
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init) {
    // C = bias rows (or zeros) + A·B: no separate fill pass over C
    const b0 = bias != 0 ? ld(bias, n0) : f32x4.splat(0);
    const b1 = bias != 0 ? ld8hi(bias, nv) : f32x4.splat(0);
    c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1; c30 = b0; c31 = b1;
  } else {
    c00 = ld(pc, n0); c01 = ld8hi(pc, nv);
    c10 = ld(pc1, n0); c11 = ld8hi(pc1, nv);
    c20 = ld(pc2, n0); c21 = ld8hi(pc2, nv);
    c30 = ld(pc3, n0); c31 = ld8hi(pc3, nv);
  }
  const ars2 = ars + ars, ars3 = ars2 + ars;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa + ars);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa + ars2);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa + ars3);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += acs;
    pb += 32;
  }
  st8(pc, c00, c01, nv);
  st8(pc1, c10, c11, nv);
  st8(pc2, c20, c21, nv);
  st8(pc3, c30, c31, nv);
}

// @ts-ignore: decorator
@inline function mkp1x8(kc: i32, pa: usize, acs: usize, pb: usize, pc: usize, nv: i32, init: bool, bias: usize): void {
  let c0: v128, c1: v128;
  if (init) {
    c0 = bias != 0 ? ld(bias, min(4, nv)) : f32x4.splat(0);
    c1 = bias != 0 ? ld8hi(bias, nv) : f32x4.splat(0);
  } else {
    c0 = ld(pc, min(4, nv));
    c1 = ld8hi(pc, nv);
  }
  for (let k = 0; k < kc; k++) {
    const a = v128.load32_splat(pa);
    c0 = madd(a, v128.load(pb), c0);
    c1 = madd(a, v128.load(pb, 16), c1);
    pa += acs;
    pb += 32;
  }
  st8(pc, c0, c1, nv);
}

/**
 * C[M,N] += A·B with B packed by packB over Kp rows (bp may point at row k0 of the
 * panels, bp + 32·k0 bytes, to use rows k0..k0+K). A(i,k) at a + 4(i·ars + k·acs).
 */
// Per-instance scratch for packing A blocks (each worker thread has its own instance,
// hence its own copy of this global). Set by the JS side; needs MC·KC floats.
let SCRATCH: usize = 0;

export function setScratch(p: usize): void {
  SCRATCH = p;
}

export function scratchFloats(): i32 {
  return MC * KC;
}

/** dst[i·kc + k] = A(i0 + i, k0 + k) for a column-strided A (A(i,k) at a + 4(i + k·lda)): a block transpose. */
// @ts-ignore: decorator
@inline function packAT(dst: usize, a: usize, lda: i32, mc: i32, kc: i32): void {
  const lda4 = <usize>lda << 2, kc4 = <usize>kc << 2;
  let k = 0;
  for (; k + 4 <= kc; k += 4) {
    const r0 = a + <usize>k * lda4, r1 = r0 + lda4, r2 = r1 + lda4, r3 = r2 + lda4;
    let i = 0;
    for (; i + 4 <= mc; i += 4) {
      const o = <usize>i << 2;
      const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      const d = dst + <usize>i * kc4 + (<usize>k << 2);
      v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
      v128.store(d + kc4, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
      v128.store(d + 2 * kc4, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
      v128.store(d + 3 * kc4, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
    }
    for (; i < mc; i++) {
      const d = dst + <usize>i * kc4 + (<usize>k << 2);
      const o = <usize>i << 2;
      store<f32>(d, load<f32>(r0 + o));
      store<f32>(d, load<f32>(r1 + o), 4);
      store<f32>(d, load<f32>(r2 + o), 8);
      store<f32>(d, load<f32>(r3 + o), 12);
    }
  }
  for (; k < kc; k++) {
    const r0 = a + <usize>k * lda4;
    for (let i = 0; i < mc; i++) store<f32>(dst + <usize>i * kc4 + (<usize>k << 2), load<f32>(r0 + (<usize>i << 2)));
  }
}

/**
 * C[M,N] += A·B with B packed by packB over Kp rows (bp may point at row k0 of the
 * panels, bp + 32·k0 bytes, to use rows k0..k0+K). A(i,k) at a + 4(i·ars + k·acs).
 * A column-strided A (ars == 1, the weight-gradient case Xᵀ·dZ) is repacked block by
 * block into row-major scratch, so the micro-kernel always reads A rows contiguously.
 */
export function gemmP(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, bp: usize, Kp: i32, c: usize, ldc: i32): void {
  gemmPImpl(M, N, K, a, ars, acs, bp, Kp, c, ldc, false, 0);
}

/** With init, C = bias rows (zeros when bias == 0) + A·B, the bias folded into the first k-block's accumulators. */
// @ts-ignore: decorator
@inline function gemmPImpl(M: i32, N: i32, K: i32, a: usize, ars: i32, acs: i32, bp: usize, Kp: i32, c: usize, ldc: i32, init: bool, bias: usize): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (init) fillRows(c, bias, M, N, ldc);
    return;
  }
  const repack = ars == 1 && acs != 1 && SCRATCH != 0;
  const ldc4 = <usize>ldc << 2;
  const panel = <usize>Kp << 5; // bytes per 8-column panel
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const pbk = bp + (<usize>k0 << 5);
    for (let i0 = 0; i0 < M; i0 += MC) {
      const i1 = min(M, i0 + MC);
      // A block rows i0..i1, columns k0..k0+kc: base pointer and strides (bytes) relative to row i0
      let pa0: usize, ars4: usize, acs4: usize;
      if (repack) {
        packAT(SCRATCH, a + (<usize>i0 << 2) + <usize>k0 * (<usize>acs << 2), acs, i1 - i0, kc);
        pa0 = SCRATCH;
        ars4 = <usize>kc << 2;
        acs4 = 4;
      } else {
        ars4 = <usize>ars << 2;
        acs4 = <usize>acs << 2;
        pa0 = a + <usize>i0 * ars4 + <usize>k0 * acs4;
      }
      let jb: usize = 0;
      for (let j = 0; j < N; j += 8) {
        const nv = min(8, N - j);
        const pb = pbk + jb * panel;
        const pcj = c + (<usize>j << 2) + <usize>i0 * ldc4;
        let i = 0;
        const m = i1 - i0;
        const first = init && k0 == 0;
        const pbias = bias != 0 ? bias + (<usize>j << 2) : 0;
        for (; i + 4 <= m; i += 4) mkp4x8(kc, pa0 + <usize>i * ars4, ars4, acs4, pb, pcj + <usize>i * ldc4, ldc4, nv, first, pbias);
        for (; i < m; i++) mkp1x8(kc, pa0 + <usize>i * ars4, acs4, pb, pcj + <usize>i * ldc4, nv, first, pbias);
        jb++;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Small helpers

/** dst[r, :] = src[:] (width floats) for r < rows, dst row stride ldd; zeros when src == 0. */
export function fillRows(dst: usize, src: usize, rows: i32, width: i32, ldd: i32): void {
  const w4 = <usize>width << 2;
  for (let r = 0; r < rows; r++) {
    const p = dst + <usize>r * (<usize>ldd << 2);
    if (src == 0) memory.fill(p, 0, w4);
    else memory.copy(p, src, w4);
  }
}

/** dst[j] += Σ_r src[r, j] (src row stride lds). Rows outer: one streaming pass over src. */
export function colSum(dst: usize, src: usize, rows: i32, width: i32, lds: i32): void {
  const s4 = <usize>lds << 2;
  let r = 0;
  // pairs of rows, then the odd one
  for (; r + 2 <= rows; r += 2) {
    const p0 = src + <usize>r * s4, p1 = p0 + s4;
    for (let j = 0; j < width; j += 4) {
      const n = min(4, width - j);
      const o = <usize>j << 2;
      st(dst + o, f32x4.add(ld(dst + o, n), f32x4.add(ld(p0 + o, n), ld(p1 + o, n))), n);
    }
  }
  for (; r < rows; r++) {
    const p0 = src + <usize>r * s4;
    for (let j = 0; j < width; j += 4) {
      const n = min(4, width - j);
      const o = <usize>j << 2;
      st(dst + o, f32x4.add(ld(dst + o, n), ld(p0 + o, n)), n);
    }
  }
}

/** dst[C, R] = srcᵀ for src [R, C]. */
export function transpose(dst: usize, src: usize, R: i32, C: i32): void {
  for (let i0 = 0; i0 < R; i0 += 16) {
    const i1 = min(R, i0 + 16);
    for (let j0 = 0; j0 < C; j0 += 16) {
      const j1 = min(C, j0 + 16);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<f32>(dst + ((<usize>j * <usize>R + <usize>i) << 2), load<f32>(src + ((<usize>i * <usize>C + <usize>j) << 2)));
        }
      }
    }
  }
}

/** dst[s, b, :] = src[b, t, :] with t = reverse ? T-1-s : s  ([B,T,F] batch-major → [T,B,F] time-major). */
export function toTimeMajor(dst: usize, src: usize, B: i32, T: i32, F: i32, reverse: i32, b0: i32, b1: i32): void {
  const f4 = <usize>F << 2;
  for (let b = b0; b < b1; b++) {
    for (let t = 0; t < T; t++) {
      const s = reverse ? T - 1 - t : t;
      memory.copy(dst + <usize>(s * B + b) * f4, src + <usize>(b * T + t) * f4, f4);
    }
  }
}

/** Inverse of toTimeMajor: dst[b, t, :] = src[s, b, :]. */
export function fromTimeMajor(dst: usize, src: usize, B: i32, T: i32, F: i32, reverse: i32, b0: i32, b1: i32): void {
  const f4 = <usize>F << 2;
  for (let b = b0; b < b1; b++) {
    for (let t = 0; t < T; t++) {
      const s = reverse ? T - 1 - t : t;
      memory.copy(dst + <usize>(b * T + t) * f4, src + <usize>(s * B + b) * f4, f4);
    }
  }
}

/** dst += src (n floats). */
export function addInto(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = dst + (<usize>i << 2);
    v128.store(p, f32x4.add(v128.load(p), v128.load(src + (<usize>i << 2))));
  }
  for (; i < n; i++) {
    const p = dst + (<usize>i << 2);
    store<f32>(p, load<f32>(p) + load<f32>(src + (<usize>i << 2)));
  }
}

/** out[n, :] = table[ids[n], :]. */
export function embeddingGather(out: usize, table: usize, ids: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) {
    memory.copy(out + <usize>n * e4, table + <usize>load<i32>(ids + (<usize>n << 2)) * e4, e4);
  }
}

/** dTable[ids[n], :] += dOut[n, :] (dTable zeroed by the caller); rows in order, as the reference. */
export function embeddingScatter(dTable: usize, ids: usize, dOut: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) {
    const dst = dTable + <usize>load<i32>(ids + (<usize>n << 2)) * e4;
    const src = dOut + <usize>n * e4;
    for (let e = 0; e < E; e += 4) {
      const c = min(4, E - e);
      const o = <usize>e << 2;
      st(dst + o, f32x4.add(ld(dst + o, c), ld(src + o, c)), c);
    }
  }
}

/** Elementwise activation over n floats. */
export function activationForward(code: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const m = min(4, n - i);
    const o = <usize>i << 2;
    st(y + o, actV(code, ld(x + o, m)), m);
  }
}

/** dx = dy ⊙ act'(y). */
export function activationBackward(code: i32, y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const m = min(4, n - i);
    const o = <usize>i << 2;
    st(dx + o, f32x4.mul(ld(dy + o, m), dactV(code, ld(y + o, m))), m);
  }
}

/** Adam / AdamW (Keras 3 form), in place. alpha = lr·√(1−β₂ᵗ)/(1−β₁ᵗ), decay = 1 − wd·lr. */
export function adam(p: usize, g: usize, m: usize, v: usize, n: i32, alpha: f32, b1: f32, b2: f32, eps: f32, decay: f32): void {
  const va = f32x4.splat(alpha), v1 = f32x4.splat(1 - b1), v2 = f32x4.splat(1 - b2), ve = f32x4.splat(eps), vd = f32x4.splat(decay);
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const o = <usize>i << 2;
    const gg = ld(g + o, c);
    let mm = ld(m + o, c);
    let vv = ld(v + o, c);
    mm = f32x4.add(mm, f32x4.mul(f32x4.sub(gg, mm), v1));
    vv = f32x4.add(vv, f32x4.mul(f32x4.sub(f32x4.mul(gg, gg), vv), v2));
    const pp = f32x4.sub(f32x4.mul(ld(p + o, c), vd), f32x4.div(f32x4.mul(va, mm), f32x4.add(f32x4.sqrt(vv), ve)));
    st(m + o, mm, c);
    st(v + o, vv, c);
    st(p + o, pp, c);
  }
}

// ---------------------------------------------------------------------------
// Recurrent helpers

/**
 * hm[b, :] = hPrev[b, :] ⊙ mask[b, :] for b < B. hPrev row stride hs, hm row stride ms (floats).
 */
// @ts-ignore: decorator
@inline function maskRows(B: i32, H: i32, hp: usize, hs: i32, mask: usize, dst: usize, ds: i32): void {
  for (let b = 0; b < B; b++) {
    const ph = hp + (<usize>(b * hs) << 2);
    const pd = dst + (<usize>(b * ds) << 2);
    const pm = mask + (<usize>(b * H) << 2);
    if (mask == 0) memory.copy(pd, ph, <usize>H << 2);
    else
      for (let j = 0; j < H; j += 4) {
        const n = min(4, H - j);
        const o = <usize>j << 2;
        st(pd + o, f32x4.mul(ld(ph + o, n), ld(pm + o, n)), n);
      }
  }
}

/** dst[b,:] += src[b,:] ⊙ mask[b,:] (or + src when mask == 0); contiguous [B, H]. */
// @ts-ignore: decorator
@inline function addMasked(n: i32, dst: usize, src: usize, mask: usize): void {
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const o = <usize>i << 2;
    let s = ld(src + o, c);
    if (mask != 0) s = f32x4.mul(s, ld(mask + o, c));
    st(dst + o, f32x4.add(ld(dst + o, c), s), c);
  }
}

// ---------------------------------------------------------------------------
// Recurrences (time-major). Every sequence buffer is [T, SB, F] (SB = full batch,
// the step stride); a batch slice of Bs rows is selected by offsetting the
// pointers by b0 rows, so slices run independently on different threads.
// The input projections (x·W + b for all steps) and the weight / input
// gradients are large GEMMs done by the caller; these functions do only what
// must be sequential in time. U / Ut arguments are packed (packB): U as [H, G·H],
// Ut as Uᵀ [G·H, H]; GRU !resetAfter passes U's z|r columns as U and its h columns as Uh.

/** p[0..n) += v (bias-gradient accumulation; p == 0 skips). */
// @ts-ignore: decorator
@inline function acc(p: usize, v: v128, n: i32): void {
  if (p != 0) st(p, f32x4.add(ld(p, n), v), n);
}

// @ts-ignore: decorator
@inline function stepPtr(base: usize, s: i32, SB: i32, F: i32): usize {
  return base + (<usize>(s * SB * F) << 2);
}

/**
 * The recurrent input of step s: hm = h_{s−1} ⊙ mask (or h_{s−1}), rows of stride H.
 * Written to HM_s when training (HM != 0), to tmp when only masking, else h_{s−1} itself.
 */
// @ts-ignore: decorator
@inline function recurrentInput(Bs: i32, SB: i32, H: i32, s: i32, h0: usize, out: usize, mask: usize, HM: usize, tmp: usize): usize {
  const hp = s == 0 ? h0 : stepPtr(out, s - 1, SB, H);
  if (HM != 0) {
    const hm = stepPtr(HM, s, SB, H);
    maskRows(Bs, H, hp, H, mask, hm, H);
    return hm;
  }
  if (mask != 0) {
    maskRows(Bs, H, hp, H, mask, tmp, H);
    return tmp;
  }
  return hp;
}

// SimpleRNN: A [T,SB,H] holds x·W + b; out [T,SB,H] = h.
// @ts-ignore: decorator
@inline function simpleRnnForwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, mask: usize, act: i32, A: usize, out: usize, HM: usize, tmp: usize,
): void {
  for (let s = 0; s < T; s++) {
    const hm = recurrentInput(Bs, SB, H, s, h0, out, mask, HM, tmp);
    const as = stepPtr(A, s, SB, H);
    gemmP(Bs, H, H, hm, H, 1, U, H, as, H);
    const os = stepPtr(out, s, SB, H);
    for (let b = 0; b < Bs; b++) {
      const pa = as + (<usize>(b * H) << 2);
      const po = os + (<usize>(b * H) << 2);
      for (let j = 0; j + 4 <= H; j += 4) {
        const n = 4; // full vectors: the partial-load branches fold away
        const o = <usize>j << 2;
        st(po + o, actV(act, ld(pa + o, n)), n);
      }
      for (let j = H & ~3; j < H; j += 4) {
        const n = H - j;
        const o = <usize>j << 2;
        st(po + o, actV(act, ld(pa + o, n)), n);
      }
    }
  }
}

/** A ← dA. dOut [T,SB,H] | 0; dhN [SB,H]: in dhLast (zeros), out dh0; dhP scratch; Ut = Uᵀ [H,H]. */
// @ts-ignore: decorator
@inline function simpleRnnBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, mask: usize, act: i32, A: usize, out: usize, dOut: usize, dhN: usize, dhP: usize, db: usize,
): void {
  for (let s = T - 1; s >= 0; s--) {
    const as = stepPtr(A, s, SB, H);
    const os = stepPtr(out, s, SB, H);
    for (let b = 0; b < Bs; b++) {
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) {
        const n = 4; // full vectors: the partial-load branches fold away
        const o = row + (<usize>j << 2);
        let dh = ld(dhN + o, n);
        if (dOut != 0) dh = f32x4.add(dh, ld(stepPtr(dOut, s, SB, H) + o, n));
        const da = f32x4.mul(dh, dactV(act, ld(os + o, n)));
        st(as + o, da, n);
        acc(db != 0 ? db + (<usize>j << 2) : 0, da, n);
      }
      for (let j = H & ~3; j < H; j += 4) {
        const n = H - j;
        const o = row + (<usize>j << 2);
        let dh = ld(dhN + o, n);
        if (dOut != 0) dh = f32x4.add(dh, ld(stepPtr(dOut, s, SB, H) + o, n));
        const da = f32x4.mul(dh, dactV(act, ld(os + o, n)));
        st(as + o, da, n);
        acc(db != 0 ? db + (<usize>j << 2) : 0, da, n);
      }
    }
    memory.fill(dhP, 0, <usize>(Bs * H) << 2);
    gemmP(Bs, H, H, as, H, 1, Ut, H, dhP, H);
    memory.fill(dhN, 0, <usize>(Bs * H) << 2);
    addMasked(Bs * H, dhN, dhP, mask);
  }
}

// LSTM: Z [T,SB,4H] holds x·W + b and becomes the activated gates i|f|c̃|o (training);
// Cs [T,SB,H] cell states; AC [T,SB,H] act(c) (training) | 0; out [T,SB,H].
// @ts-ignore: decorator
@inline function lstmForwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, c0: usize, mask: usize, act: i32, ract: i32,
  Z: usize, Cs: usize, AC: usize, out: usize, HM: usize, tmp: usize,
): void {
  const G = 4 * H;
  const H4 = <usize>H << 2;
  for (let s = 0; s < T; s++) {
    const hm = recurrentInput(Bs, SB, H, s, h0, out, mask, HM, tmp);
    const zs = stepPtr(Z, s, SB, G);
    gemmP(Bs, G, H, hm, H, 1, U, H, zs, G);
    const cps = s == 0 ? c0 : stepPtr(Cs, s - 1, SB, H);
    const cs = stepPtr(Cs, s, SB, H);
    const os = stepPtr(out, s, SB, H);
    const acs = AC != 0 ? stepPtr(AC, s, SB, H) : 0;
    for (let b = 0; b < Bs; b++) {
      const pz = zs + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) {
        const n = 4; // full vectors: the partial-load branches fold away
        const o = row + (<usize>j << 2);
        const pi = pz + (<usize>j << 2);
        const i = actV(ract, ld(pi, n));
        const f = actV(ract, ld(pi + H4, n));
        const g = actV(act, ld(pi + 2 * H4, n));
        const og = actV(ract, ld(pi + 3 * H4, n));
        const c = f32x4.add(f32x4.mul(f, ld(cps + o, n)), f32x4.mul(i, g));
        const ac = actV(act, c);
        st(cs + o, c, n);
        st(os + o, f32x4.mul(og, ac), n);
        if (acs != 0) {
          st(acs + o, ac, n);
          st(pi, i, n);
          st(pi + H4, f, n);
          st(pi + 2 * H4, g, n);
          st(pi + 3 * H4, og, n);
        }
      }
      for (let j = H & ~3; j < H; j += 4) {
        const n = H - j;
        const o = row + (<usize>j << 2);
        const pi = pz + (<usize>j << 2);
        const i = actV(ract, ld(pi, n));
        const f = actV(ract, ld(pi + H4, n));
        const g = actV(act, ld(pi + 2 * H4, n));
        const og = actV(ract, ld(pi + 3 * H4, n));
        const c = f32x4.add(f32x4.mul(f, ld(cps + o, n)), f32x4.mul(i, g));
        const ac = actV(act, c);
        st(cs + o, c, n);
        st(os + o, f32x4.mul(og, ac), n);
        if (acs != 0) {
          st(acs + o, ac, n);
          st(pi, i, n);
          st(pi + H4, f, n);
          st(pi + 2 * H4, g, n);
          st(pi + 3 * H4, og, n);
        }
      }
    }
  }
}

/** Z (gates) ← dZ. dhN, dcN [SB,H]: in dhLast/dcLast (zeros), out dh0/dc0. Ut [4H,H]. */
// @ts-ignore: decorator
@inline function lstmBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, c0: usize, mask: usize, act: i32, ract: i32,
  Z: usize, Cs: usize, AC: usize, dOut: usize, dhN: usize, dcN: usize, dhP: usize, db: usize,
): void {
  const G = 4 * H;
  const H4 = <usize>H << 2;
  for (let s = T - 1; s >= 0; s--) {
    const zs = stepPtr(Z, s, SB, G);
    const cps = s == 0 ? c0 : stepPtr(Cs, s - 1, SB, H);
    const acs = stepPtr(AC, s, SB, H);
    const dos = dOut != 0 ? stepPtr(dOut, s, SB, H) : 0;
    for (let b = 0; b < Bs; b++) {
      const pz = zs + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) {
        const n = 4; // full vectors: the partial-load branches fold away
        const o = row + (<usize>j << 2);
        const pi = pz + (<usize>j << 2);
        let dh = ld(dhN + o, n);
        if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
        const i = ld(pi, n), f = ld(pi + H4, n), g = ld(pi + 2 * H4, n), og = ld(pi + 3 * H4, n);
        const ac = ld(acs + o, n);
        const dc = f32x4.add(ld(dcN + o, n), f32x4.mul(f32x4.mul(dh, og), dactV(act, ac)));
        const dzi = f32x4.mul(f32x4.mul(dc, g), dactV(ract, i));
        const dzf = f32x4.mul(f32x4.mul(dc, ld(cps + o, n)), dactV(ract, f));
        const dzc = f32x4.mul(f32x4.mul(dc, i), dactV(act, g));
        const dzo = f32x4.mul(f32x4.mul(dh, ac), dactV(ract, og));
        st(pi, dzi, n);
        st(pi + H4, dzf, n);
        st(pi + 2 * H4, dzc, n);
        st(pi + 3 * H4, dzo, n);
        if (db != 0) {
          const pd = db + (<usize>j << 2);
          acc(pd, dzi, n);
          acc(pd + H4, dzf, n);
          acc(pd + 2 * H4, dzc, n);
          acc(pd + 3 * H4, dzo, n);
        }
        st(dcN + o, f32x4.mul(dc, f), n);
      }
      for (let j = H & ~3; j < H; j += 4) {
        const n = H - j;
        const o = row + (<usize>j << 2);
        const pi = pz + (<usize>j << 2);
        let dh = ld(dhN + o, n);
        if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
        const i = ld(pi, n), f = ld(pi + H4, n), g = ld(pi + 2 * H4, n), og = ld(pi + 3 * H4, n);
        const ac = ld(acs + o, n);
        const dc = f32x4.add(ld(dcN + o, n), f32x4.mul(f32x4.mul(dh, og), dactV(act, ac)));
        const dzi = f32x4.mul(f32x4.mul(dc, g), dactV(ract, i));
        const dzf = f32x4.mul(f32x4.mul(dc, ld(cps + o, n)), dactV(ract, f));
        const dzc = f32x4.mul(f32x4.mul(dc, i), dactV(act, g));
        const dzo = f32x4.mul(f32x4.mul(dh, ac), dactV(ract, og));
        st(pi, dzi, n);
        st(pi + H4, dzf, n);
        st(pi + 2 * H4, dzc, n);
        st(pi + 3 * H4, dzo, n);
        if (db != 0) {
          const pd = db + (<usize>j << 2);
          acc(pd, dzi, n);
          acc(pd + H4, dzf, n);
          acc(pd + 2 * H4, dzc, n);
          acc(pd + 3 * H4, dzo, n);
        }
        st(dcN + o, f32x4.mul(dc, f), n);
      }
    }
    memory.fill(dhP, 0, <usize>(Bs * H) << 2);
    gemmP(Bs, H, G, zs, G, 1, Ut, G, dhP, H);
    memory.fill(dhN, 0, <usize>(Bs * H) << 2);
    addMasked(Bs * H, dhN, dhP, mask);
  }
}

// GRU: XP [T,SB,3H] holds x·W + b_in and becomes the gates z|r|h̃.
// resetAfter: RH [T,SB,H] = rp_h (recurrent h-projection incl. recurrent bias); RP [SB,3H] scratch; brec = recurrent bias | 0.
// !resetAfter: RH [T,SB,H] = r ⊙ hm (training); RP [SB,3H] scratch.
// @ts-ignore: decorator
@inline function gruForwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, U: usize, Uh: usize, brec: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32,
  XP: usize, RH: usize, RP: usize, out: usize, HM: usize, tmp: usize,
): void {
  const G = 3 * H;
  const H4 = <usize>H << 2;
  for (let s = 0; s < T; s++) {
    const hm = recurrentInput(Bs, SB, H, s, h0, out, mask, HM, tmp);
    const xps = stepPtr(XP, s, SB, G);
    const hps = s == 0 ? h0 : stepPtr(out, s - 1, SB, H);
    const os = stepPtr(out, s, SB, H);
    if (resetAfter) {
      fillRows(RP, brec, Bs, G, G);
      gemmP(Bs, G, H, hm, H, 1, U, H, RP, G);
      const rhs = RH != 0 ? stepPtr(RH, s, SB, H) : 0;
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const pr = RP + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) {
          const n = 4; // full vectors: the partial-load branches fold away
          const oj = <usize>j << 2;
          const o = row + oj;
          const z = actV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
          const r = actV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
          const rph = ld(pr + 2 * H4 + oj, n);
          const hh = actV(act, f32x4.add(ld(px + 2 * H4 + oj, n), f32x4.mul(r, rph)));
          st(os + o, f32x4.add(f32x4.mul(z, f32x4.sub(ld(hps + o, n), hh)), hh), n);
          if (rhs != 0) {
            st(px + oj, z, n);
            st(px + H4 + oj, r, n);
            st(px + 2 * H4 + oj, hh, n);
            st(rhs + o, rph, n);
          }
        }
        for (let j = H & ~3; j < H; j += 4) {
          const n = H - j;
          const oj = <usize>j << 2;
          const o = row + oj;
          const z = actV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
          const r = actV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
          const rph = ld(pr + 2 * H4 + oj, n);
          const hh = actV(act, f32x4.add(ld(px + 2 * H4 + oj, n), f32x4.mul(r, rph)));
          st(os + o, f32x4.add(f32x4.mul(z, f32x4.sub(ld(hps + o, n), hh)), hh), n);
          if (rhs != 0) {
            st(px + oj, z, n);
            st(px + H4 + oj, r, n);
            st(px + 2 * H4 + oj, hh, n);
            st(rhs + o, rph, n);
          }
        }
      }
    } else {
      fillRows(RP, 0, Bs, 2 * H, 2 * H);
      gemmP(Bs, 2 * H, H, hm, H, 1, U, H, RP, 2 * H);
      const rh = RH != 0 ? stepPtr(RH, s, SB, H) : RP + (<usize>(Bs * 2 * H) << 2);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const pr = RP + (<usize>(b * 2 * H) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) {
          const n = 4; // full vectors: the partial-load branches fold away
          const oj = <usize>j << 2;
          const z = actV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
          const r = actV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
          st(px + oj, z, n);
          st(px + H4 + oj, r, n);
          st(rh + row + oj, f32x4.mul(r, ld(hm + row + oj, n)), n);
        }
        for (let j = H & ~3; j < H; j += 4) {
          const n = H - j;
          const oj = <usize>j << 2;
          const z = actV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
          const r = actV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
          st(px + oj, z, n);
          st(px + H4 + oj, r, n);
          st(rh + row + oj, f32x4.mul(r, ld(hm + row + oj, n)), n);
        }
      }
      gemmP(Bs, H, H, rh, H, 1, Uh, H, xps + 2 * H4, G);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) {
          const n = 4; // full vectors: the partial-load branches fold away
          const oj = <usize>j << 2;
          const o = row + oj;
          const z = ld(px + oj, n);
          const hh = actV(act, ld(px + 2 * H4 + oj, n));
          st(px + 2 * H4 + oj, hh, n);
          st(os + o, f32x4.add(f32x4.mul(z, f32x4.sub(ld(hps + o, n), hh)), hh), n);
        }
        for (let j = H & ~3; j < H; j += 4) {
          const n = H - j;
          const oj = <usize>j << 2;
          const o = row + oj;
          const z = ld(px + oj, n);
          const hh = actV(act, ld(px + 2 * H4 + oj, n));
          st(px + 2 * H4 + oj, hh, n);
          st(os + o, f32x4.add(f32x4.mul(z, f32x4.sub(ld(hps + o, n), hh)), hh), n);
        }
      }
    }
  }
}

/**
 * XP (gates) ← dXP, the gradient of the input projection. resetAfter: RH (rp_h) ← dah ⊙ r
 * (the recurrent h-block gradient). dhN [SB,H]: in dhLast (zeros), out dh0; dhP, dRH scratch. Ut [3H,H].
 */
// @ts-ignore: decorator
@inline function gruBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32,
  XP: usize, RH: usize, out: usize, HM: usize, dOut: usize, dhN: usize, dhP: usize, dRH: usize, db: usize,
): void {
  const db1 = db != 0 && resetAfter ? db + (<usize>(3 * H) << 2) : 0; // recurrent-bias row
  const G = 3 * H;
  const H4 = <usize>H << 2;
  const BH4 = <usize>(Bs * H) << 2;
  for (let s = T - 1; s >= 0; s--) {
    const xps = stepPtr(XP, s, SB, G);
    const hps = s == 0 ? h0 : stepPtr(out, s - 1, SB, H);
    const dos = dOut != 0 ? stepPtr(dOut, s, SB, H) : 0;
    const rhs = stepPtr(RH, s, SB, H);
    for (let b = 0; b < Bs; b++) {
      const px = xps + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) {
        const n = 4; // full vectors: the partial-load branches fold away
        const oj = <usize>j << 2;
        const o = row + oj;
        let dh = ld(dhN + o, n);
        if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
        const z = ld(px + oj, n), hh = ld(px + 2 * H4 + oj, n);
        const daz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ld(hps + o, n), hh)), dactV(ract, z));
        const dah = f32x4.mul(f32x4.mul(dh, f32x4.sub(kc(K_ONE), z)), dactV(act, hh));
        st(px + oj, daz, n);
        st(px + 2 * H4 + oj, dah, n);
        st(dhN + o, f32x4.mul(dh, z), n);
        if (db != 0) {
          acc(db + oj, daz, n);
          acc(db + 2 * H4 + oj, dah, n);
        }
        if (resetAfter) {
          const r = ld(px + H4 + oj, n);
          const dar = f32x4.mul(f32x4.mul(dah, ld(rhs + o, n)), dactV(ract, r));
          const drh = f32x4.mul(dah, r);
          st(px + H4 + oj, dar, n);
          st(rhs + o, drh, n);
          if (db1 != 0) {
            acc(db + H4 + oj, dar, n);
            acc(db1 + oj, daz, n);
            acc(db1 + H4 + oj, dar, n);
            acc(db1 + 2 * H4 + oj, drh, n);
          }
        }
      }
      for (let j = H & ~3; j < H; j += 4) {
        const n = H - j;
        const oj = <usize>j << 2;
        const o = row + oj;
        let dh = ld(dhN + o, n);
        if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
        const z = ld(px + oj, n), hh = ld(px + 2 * H4 + oj, n);
        const daz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ld(hps + o, n), hh)), dactV(ract, z));
        const dah = f32x4.mul(f32x4.mul(dh, f32x4.sub(kc(K_ONE), z)), dactV(act, hh));
        st(px + oj, daz, n);
        st(px + 2 * H4 + oj, dah, n);
        st(dhN + o, f32x4.mul(dh, z), n);
        if (db != 0) {
          acc(db + oj, daz, n);
          acc(db + 2 * H4 + oj, dah, n);
        }
        if (resetAfter) {
          const r = ld(px + H4 + oj, n);
          const dar = f32x4.mul(f32x4.mul(dah, ld(rhs + o, n)), dactV(ract, r));
          const drh = f32x4.mul(dah, r);
          st(px + H4 + oj, dar, n);
          st(rhs + o, drh, n);
          if (db1 != 0) {
            acc(db + H4 + oj, dar, n);
            acc(db1 + oj, daz, n);
            acc(db1 + H4 + oj, dar, n);
            acc(db1 + 2 * H4 + oj, drh, n);
          }
        }
      }
    }
    if (resetAfter) {
      memory.fill(dhP, 0, BH4);
      gemmP(Bs, H, 2 * H, xps, G, 1, Ut, G, dhP, H);
      gemmP(Bs, H, H, rhs, H, 1, Ut + (<usize>(2 * H) << 5), G, dhP, H);
      addMasked(Bs * H, dhN, dhP, mask);
    } else {
      // dResetHidden = dah · U_hᵀ
      memory.fill(dRH, 0, BH4);
      gemmP(Bs, H, H, xps + 2 * H4, G, 1, Ut + (<usize>(2 * H) << 5), G, dRH, H);
      const hms = stepPtr(HM, s, SB, H);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) {
          const n = 4; // full vectors: the partial-load branches fold away
          const oj = <usize>j << 2;
          const r = ld(px + H4 + oj, n);
          const drh = ld(dRH + row + oj, n);
          const dar = f32x4.mul(f32x4.mul(drh, ld(hms + row + oj, n)), dactV(ract, r));
          st(px + H4 + oj, dar, n);
          st(dRH + row + oj, f32x4.mul(drh, r), n);
          acc(db != 0 ? db + H4 + oj : 0, dar, n);
        }
        for (let j = H & ~3; j < H; j += 4) {
          const n = H - j;
          const oj = <usize>j << 2;
          const r = ld(px + H4 + oj, n);
          const drh = ld(dRH + row + oj, n);
          const dar = f32x4.mul(f32x4.mul(drh, ld(hms + row + oj, n)), dactV(ract, r));
          st(px + H4 + oj, dar, n);
          st(dRH + row + oj, f32x4.mul(drh, r), n);
          acc(db != 0 ? db + H4 + oj : 0, dar, n);
        }
      }
      gemmP(Bs, H, 2 * H, xps, G, 1, Ut, G, dRH, H);
      addMasked(Bs * H, dhN, dRH, mask);
    }
  }
}

export function simpleRnnForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, mask: usize, act: i32, A: usize, out: usize, HM: usize, tmp: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH) simpleRnnForwardImpl(Bs, SB, T, H, U, h0, mask, TANH, A, out, HM, tmp);
  else simpleRnnForwardImpl(Bs, SB, T, H, U, h0, mask, act, A, out, HM, tmp);
}

export function simpleRnnBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, mask: usize, act: i32, A: usize, out: usize, dOut: usize, dhN: usize, dhP: usize, db: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH) simpleRnnBackwardImpl(Bs, SB, T, H, Ut, mask, TANH, A, out, dOut, dhN, dhP, db);
  else simpleRnnBackwardImpl(Bs, SB, T, H, Ut, mask, act, A, out, dOut, dhN, dhP, db);
}

export function lstmForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, c0: usize, mask: usize, act: i32, ract: i32, Z: usize, Cs: usize, AC: usize, out: usize, HM: usize, tmp: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) lstmForwardImpl(Bs, SB, T, H, U, h0, c0, mask, TANH, SIGMOID, Z, Cs, AC, out, HM, tmp);
  else lstmForwardImpl(Bs, SB, T, H, U, h0, c0, mask, act, ract, Z, Cs, AC, out, HM, tmp);
}

export function lstmBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, c0: usize, mask: usize, act: i32, ract: i32, Z: usize, Cs: usize, AC: usize, dOut: usize, dhN: usize, dcN: usize, dhP: usize, db: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) lstmBackwardImpl(Bs, SB, T, H, Ut, c0, mask, TANH, SIGMOID, Z, Cs, AC, dOut, dhN, dcN, dhP, db);
  else lstmBackwardImpl(Bs, SB, T, H, Ut, c0, mask, act, ract, Z, Cs, AC, dOut, dhN, dcN, dhP, db);
}

export function gruForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, Uh: usize, brec: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32, XP: usize, RH: usize, RP: usize, out: usize, HM: usize, tmp: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) gruForwardImpl(Bs, SB, T, H, U, Uh, brec, resetAfter, h0, mask, TANH, SIGMOID, XP, RH, RP, out, HM, tmp);
  else gruForwardImpl(Bs, SB, T, H, U, Uh, brec, resetAfter, h0, mask, act, ract, XP, RH, RP, out, HM, tmp);
}

export function gruBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32, XP: usize, RH: usize, out: usize, HM: usize, dOut: usize, dhN: usize, dhP: usize, dRH: usize, db: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) gruBackwardImpl(Bs, SB, T, H, Ut, resetAfter, h0, mask, TANH, SIGMOID, XP, RH, out, HM, dOut, dhN, dhP, dRH, db);
  else gruBackwardImpl(Bs, SB, T, H, Ut, resetAfter, h0, mask, act, ract, XP, RH, out, HM, dOut, dhN, dhP, dRH, db);
}
