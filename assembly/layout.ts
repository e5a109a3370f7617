// Layout and reduction helpers: row fill/broadcast, column sums, transpose,
// batch-major ↔ time-major reordering, in-place add, zero fill, bytewise equality.
// Dimensions: B batch, T time, F feature width of the buffer (D inputs, H units or G gates),
// R × C a generic matrix.

import { ld, st } from './simd';

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

/** x[0..D) ⊙= m[0..D) (one row under its input-dropout mask). */
// @ts-ignore: decorator
@inline function maskRow(px: usize, pm: usize, D: i32): void {
  let d = 0;
  for (; d + 4 <= D; d += 4) {
    const o = <usize>d << 2;
    v128.store(px + o, f32x4.mul(v128.load(px + o), v128.load(pm + o)));
  }
  for (; d < D; d++) {
    const o = <usize>d << 2;
    store<f32>(px + o, load<f32>(px + o) * load<f32>(pm + o));
  }
}

/** x[s, b, :] ⊙= mask[b, :] for a time-major [T, B, D] sequence (input dropout, fixed across steps). */
export function maskSteps(x: usize, mask: usize, T: i32, B: i32, D: i32): void {
  const d4 = <usize>D << 2;
  for (let s = 0; s < T; s++) {
    for (let b = 0; b < B; b++) maskRow(x + <usize>(s * B + b) * d4, mask + <usize>b * d4, D);
  }
}

/** x[n, :] ⊙= mask[idx[n], :] for rows n < N of width D (rows of a projected table, each under its sample's input-dropout mask). */
export function maskRowsBy(x: usize, mask: usize, idx: usize, N: i32, D: i32): void {
  const d4 = <usize>D << 2;
  for (let n = 0; n < N; n++) maskRow(x + <usize>n * d4, mask + <usize>load<i32>(idx + (<usize>n << 2)) * d4, D);
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

/** 1 when the n bytes at a and b are equal, else 0 (64 bytes per step, stopping at the first difference). */
export function equalBytes(a: usize, b: usize, n: i32): i32 {
  let i = 0;
  for (; i + 64 <= n; i += 64) {
    const p = a + <usize>i, q = b + <usize>i;
    const d = v128.or(
      v128.or(v128.xor(v128.load(p), v128.load(q)), v128.xor(v128.load(p, 16), v128.load(q, 16))),
      v128.or(v128.xor(v128.load(p, 32), v128.load(q, 32)), v128.xor(v128.load(p, 48), v128.load(q, 48))),
    );
    if (v128.any_true(d)) return 0;
  }
  for (; i < n; i++) if (load<u8>(a + <usize>i) != load<u8>(b + <usize>i)) return 0;
  return 1;
}

/** n bytes at p ← 0. One bulk memory.fill: V8's TypedArray fill on a shared buffer is ~10x slower than memset. */
export function zeroBytes(p: usize, n: i32): void {
  memory.fill(p, 0, <usize>n);
}
