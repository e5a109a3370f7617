// Unpacked GEMM (B read in place): the 4×8 / 1×8 register-tile micro-kernels (shared with
// the packed gemmP), 4×n / 1×n tails and the blocked driver. C [M,N] += A [M,K] · B [K,N], all f32.

import { madd, ld, st } from './simd';

// GEMM: C[M,N] += A·B with A(i,k) at a + 4(i·ars + k·acs), B(k,j) at b + 4(k·ldb + j),
// C(i,j) at c + 4(i·ldc + j). acs = 1 is A row-major, ars = 1 is Aᵀ (weight gradients).
// Register tile 4×8 (8 f32x4 accumulators), K blocked by KC, N by NC (B panel in L2).

export const KC: i32 = 256;
const NC: i32 = 512;

// @ts-ignore: decorator
@inline export function ld8hi(p: usize, nv: i32): v128 {
  return nv > 4 ? ld(p + 16, nv - 4) : f32x4.splat(0);
}

// @ts-ignore: decorator
@inline export function st8(p: usize, lo: v128, hi: v128, nv: i32): void {
  if (nv == 8) {
    v128.store(p, lo);
    v128.store(p, hi, 16);
  } else {
    st(p, lo, min(4, nv));
    if (nv > 4) st(p + 16, hi, nv - 4);
  }
}

/**
 * The 4×8 micro-kernel shared by gemm and gemmP: 4 rows × 8 columns (nv valid), B rows
 * ldb bytes apart (32 for a packed panel). With init, C = bias rows (or zeros) + A·B,
 * else C += A·B. Call it with literal nv / init / ldb where known, so the branches fold.
 */
// @ts-ignore: decorator
@inline export function mkTile4x8(kc: i32, pa: usize, ars: usize, acs: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, nv: i32, init: bool, bias: usize): void {
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
    pb += ldb;
  }
  st8(pc, c00, c01, nv);
  st8(pc1, c10, c11, nv);
  st8(pc2, c20, c21, nv);
  st8(pc3, c30, c31, nv);
}

/** The 1×8 micro-kernel shared by gemm and gemmP (see mkTile4x8). */
// @ts-ignore: decorator
@inline export function mkTile1x8(kc: i32, pa: usize, acs: usize, pb: usize, ldb: usize, pc: usize, nv: i32, init: bool, bias: usize): void {
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
    pb += ldb;
  }
  st8(pc, c0, c1, nv);
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
        for (; j + 8 <= nc; j += 8) mkTile4x8(kc, pa, ars4, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4, 8, false, 0);
        for (; j < nc; j += 4) mk4xn(min(4, nc - j), kc, pa, ars4, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4);
      }
      for (; i < M; i++) {
        const pa = pak + <usize>i * ars4;
        const pc = pcj + <usize>i * ldc4;
        let j = 0;
        for (; j + 8 <= nc; j += 8) mkTile1x8(kc, pa, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), 8, false, 0);
        for (; j < nc; j += 4) mk1xn(min(4, nc - j), kc, pa, acs4, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2));
      }
    }
  }
}
