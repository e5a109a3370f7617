// Unpacked GEMM (B read in place): 4×8 / 4×n / 1×8 / 1×n register-tile micro-kernels and
// the blocked driver. Dimensions: C [M,N] += A [M,K] · B [K,N], all f32.

import { madd, ld, st } from './simd';

// GEMM: C[M,N] += A·B with A(i,k) at a + 4(i·ars + k·acs), B(k,j) at b + 4(k·ldb + j),
// C(i,j) at c + 4(i·ldc + j). acs = 1 is A row-major, ars = 1 is Aᵀ (weight gradients).
// Register tile 4×8 (8 f32x4 accumulators), K blocked by KC, N by NC (B panel in L2).

export const KC: i32 = 256;
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
