// SIMD building blocks shared by every kernel: the multiply-add that the relaxed-SIMD
// build turns into an FMA, partial (1..4 lane) loads/stores for row tails, and row copies.
// ASC_FEATURE_RELAXED_SIMD is asc's compile-time feature constant (set by
// `--enable relaxed-simd` in scripts/build-wasm.mjs), visible in every file.

/** c + a·b: one fused multiply-add in the relaxed-SIMD build, mul + add otherwise. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Loads n (1..4) floats; lanes past n are 0. */
// @ts-ignore: decorator
@inline export function ld(p: usize, n: i32): v128 {
  if (n >= 4) return v128.load(p);
  let v = f32x4.splat(0);
  v = f32x4.replace_lane(v, 0, load<f32>(p));
  if (n > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (n > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

// @ts-ignore: decorator
@inline export function st(p: usize, v: v128, n: i32): void {
  if (n >= 4) {
    v128.store(p, v);
    return;
  }
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

/** dst[0..n) = src[0..n) (floats) as an inline vector copy: memory.copy is a runtime call in V8, too costly per short row. */
// @ts-ignore: decorator
@inline export function copyFloats(dst: usize, src: usize, n: i32): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) v128.store(dst + (<usize>j << 2), v128.load(src + (<usize>j << 2)));
  if (j < n) st(dst + (<usize>j << 2), ld(src + (<usize>j << 2), n - j), n - j);
}
