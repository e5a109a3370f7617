// GEMM building blocks and the unpacked-B GEMM: the A-block packing into 4-row groups (packA4)
// and the per-instance scratch that holds it, the 4×8 / 1×8 micro-kernels (shared with gemmP of
// gemm-packed.ts), 4×n / 1×n column tails, and the blocked driver for B read in place.
// C [M,N] += A [M,K] · B [K,N], all f32.

import { madd, ld, st } from './simd';

// GEMM: C[M,N] += A·B with A(i,k) at a + 4(i·ars + k·acs), B(k,j) at b + 4(k·ldb + j),
// C(i,j) at c + 4(i·ldc + j). acs = 1 is A row-major, ars = 1 is Aᵀ (weight gradients).
// Register tile 4×8 (8 f32x4 accumulators); K blocked by KC, M by MC (the packed A block),
// N by NC (B panel in L2).

export const KC: i32 = 256;
export const MC: i32 = 128;
const NC: i32 = 512;

// Per-instance scratch for packed A blocks (each worker thread has its own instance, hence its
// own copy of this global). Set by the JS side; needs MC·KC floats.
export let SCRATCH: usize = 0;

export function setScratch(p: usize): void {
  SCRATCH = p;
}

export function scratchFloats(): i32 {
  return MC * KC;
}

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
 * Packs an A block (mc rows, kc columns; A(i, k) at a + i·ars4 + k·acs4 bytes) as ⌈mc/4⌉ groups of
 * [kc][4]: group g holds rows 4g..4g+3 interleaved by k (the rows of a short last group stay unset).
 * The micro-kernel then reads one k-step's four A values at fixed offsets from one pointer, so the
 * compiled inner loop needs no per-row address arithmetic.
 */
// @ts-ignore: decorator
@inline export function packA4(dst: usize, a: usize, ars4: usize, acs4: usize, mc: i32, kc: i32): void {
  const group = <usize>kc << 4; // bytes per packed group
  for (let g = 0; g < mc; g += 4) {
    const rows = min(4, mc - g);
    const d = dst + <usize>(g >> 2) * group;
    const r0 = a + <usize>g * ars4;
    if (rows == 4 && acs4 == 4) {
      // row-major A: 4×4 transposes
      const r1 = r0 + ars4, r2 = r1 + ars4, r3 = r2 + ars4;
      let k = 0;
      for (; k + 4 <= kc; k += 4) {
        const o = <usize>k << 2;
        const x0 = v128.load(r0 + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
        const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
        const q = d + (<usize>k << 4);
        v128.store(q, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(q, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 16);
        v128.store(q, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 32);
        v128.store(q, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 48);
      }
      for (; k < kc; k++) {
        const o = <usize>k << 2;
        const q = d + (<usize>k << 4);
        store<f32>(q, load<f32>(r0 + o));
        store<f32>(q, load<f32>(r1 + o), 4);
        store<f32>(q, load<f32>(r2 + o), 8);
        store<f32>(q, load<f32>(r3 + o), 12);
      }
    } else if (rows == 4 && ars4 == 4) {
      // column-strided A (Xᵀ of a weight gradient): a k-step's four rows are adjacent
      for (let k = 0; k < kc; k++) v128.store(d + (<usize>k << 4), v128.load(r0 + <usize>k * acs4));
    } else {
      for (let k = 0; k < kc; k++) {
        for (let r = 0; r < rows; r++) store<f32>(d + (<usize>k << 4) + (<usize>r << 2), load<f32>(r0 + <usize>r * ars4 + <usize>k * acs4));
      }
    }
  }
}

/**
 * The 4×8 micro-kernel, shared by gemm and gemmP: a packed A group ([kc][4]) times 8 columns of B
 * (rows ldb bytes apart; 32 for a packed panel, and then nv may be < 8: the panel is zero-padded),
 * 8 f32x4 accumulators; A values at fixed offsets 0/4/8/12 from one pointer, B at 0/16. nv valid
 * columns of C; with init, C = bias row (or zeros) + A·B, else C += A·B. Call it with literal
 * nv / init / ldb where known, so the branches fold.
 */
// @ts-ignore: decorator
@inline export function mkTile4x8P(kc: i32, pa: usize, pb: usize, ldb: usize, pc: usize, ldc: usize, nv: i32, init: bool, bias: usize): void {
  const pc1 = pc + ldc, pc2 = pc1 + ldc, pc3 = pc2 + ldc;
  const n0 = min(4, nv);
  let c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128;
  if (init) {
    const b0 = bias != 0 ? ld(bias, n0) : f32x4.splat(0);
    const b1 = bias != 0 ? ld8hi(bias, nv) : f32x4.splat(0);
    c00 = b0; c01 = b1; c10 = b0; c11 = b1; c20 = b0; c21 = b1; c30 = b0; c31 = b1;
  } else {
    c00 = ld(pc, n0); c01 = ld8hi(pc, nv);
    c10 = ld(pc1, n0); c11 = ld8hi(pc1, nv);
    c20 = ld(pc2, n0); c21 = ld8hi(pc2, nv);
    c30 = ld(pc3, n0); c31 = ld8hi(pc3, nv);
  }
  const end = pb + <usize>kc * ldb;
  while (pb < end) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += 16;
    pb += ldb;
  }
  st8(pc, c00, c01, nv);
  st8(pc1, c10, c11, nv);
  st8(pc2, c20, c21, nv);
  st8(pc3, c30, c31, nv);
}

/** The 1×8 micro-kernel shared by gemm and gemmP (see mkTile4x8P); A values acs bytes apart. */
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

/** 4 rows (a packed A group) × n (1..4) columns of B read in place. */
// @ts-ignore: decorator
@inline function mk4xn(n: i32, kc: i32, pa: usize, pb: usize, ldb: usize, pc: usize, ldc: usize): void {
  const pc1 = pc + ldc, pc2 = pc1 + ldc, pc3 = pc2 + ldc;
  let c0 = ld(pc, n), c1 = ld(pc1, n), c2 = ld(pc2, n), c3 = ld(pc3, n);
  for (let k = 0; k < kc; k++) {
    const b0 = ld(pb, n);
    c0 = madd(v128.load32_splat(pa), b0, c0);
    c1 = madd(v128.load32_splat(pa, 4), b0, c1);
    c2 = madd(v128.load32_splat(pa, 8), b0, c2);
    c3 = madd(v128.load32_splat(pa, 12), b0, c3);
    pa += 16;
    pb += ldb;
  }
  st(pc, c0, n); st(pc1, c1, n); st(pc2, c2, n); st(pc3, c3, n);
}

/** One row (A values acs bytes apart) × n (1..4) columns. */
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
    const group = <usize>kc << 4; // bytes per packed 4-row group of A
    const pbk = b + <usize>k0 * ldb4;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const m = min(MC, M - i0);
      const m4 = m & ~3;
      packA4(SCRATCH, a + <usize>i0 * ars4 + <usize>k0 * acs4, ars4, acs4, m, kc);
      const pci = c + <usize>i0 * ldc4;
      for (let j0 = 0; j0 < N; j0 += NC) {
        const nc = min(NC, N - j0);
        const pbj = pbk + (<usize>j0 << 2);
        const pcj = pci + (<usize>j0 << 2);
        let pa = SCRATCH;
        for (let i = 0; i < m4; i += 4) {
          const pc = pcj + <usize>i * ldc4;
          let j = 0;
          for (; j + 8 <= nc; j += 8) mkTile4x8P(kc, pa, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4, 8, false, 0);
          for (; j < nc; j += 4) mk4xn(min(4, nc - j), kc, pa, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), ldc4);
          pa += group;
        }
        // leftover rows (< 4) of the last, short group: A values 16 bytes apart
        for (let i = m4; i < m; i++) {
          const pr = pa + (<usize>(i - m4) << 2);
          const pc = pcj + <usize>i * ldc4;
          let j = 0;
          for (; j + 8 <= nc; j += 8) mkTile1x8(kc, pr, 16, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2), 8, false, 0);
          for (; j < nc; j += 4) mk1xn(min(4, nc - j), kc, pr, 16, pbj + (<usize>j << 2), ldb4, pc + (<usize>j << 2));
        }
      }
    }
  }
}
