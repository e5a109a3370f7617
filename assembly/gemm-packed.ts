// Packed GEMM: packB and the driver over packed B panels (ldb = 32), with the bias / zero
// initialisation folded into the first k-block; A blocks are packed into the scratch and run
// through the micro-kernels of gemm.ts.
// Dimensions: C [M,N] (+)= A [M,K] · B [K,N]; B packed over Kp rows as ⌈N/8⌉ panels of [Kp][8];
// an A block of mc×kc packed as ⌈mc/4⌉ groups of [kc][4].

import { KC, MC, SCRATCH, mkTile1x8, mkTile4x8P, packA4 } from './gemm';
import { fillRows } from './layout';

// Packed-B GEMM. packB lays B [K,N] (any strides) out as ⌈N/8⌉ panels of [K][8]
// (zero-padded), so the micro-kernel streams B contiguously; transposed operands
// (Uᵀ, Wᵀ) are packed straight from the untransposed matrix. gemmP walks
// k-blocks (KC) → row blocks (MC, A block packed into the scratch, in L2) → 8-column
// panels (B micro-panel in L1) → 4-row tiles.

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

/**
 * C[M,N] += A·B with B packed by packB over Kp rows (bp may point at row k0 of the
 * panels, bp + 32·k0 bytes, to use rows k0..k0+K). A(i,k) at a + 4(i·ars + k·acs),
 * row-major or column-strided (ars == 1, the weight-gradient case Xᵀ·dZ): each A block
 * is packed into scratch (packA4) first.
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
  const ldc4 = <usize>ldc << 2;
  const ars4 = <usize>ars << 2, acs4 = <usize>acs << 2;
  const panel = <usize>Kp << 5; // bytes per 8-column panel
  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = min(KC, K - k0);
    const group = <usize>kc << 4; // bytes per packed 4-row group of A
    const pbk = bp + (<usize>k0 << 5);
    const first = init && k0 == 0;
    for (let i0 = 0; i0 < M; i0 += MC) {
      const m = min(MC, M - i0);
      packA4(SCRATCH, a + <usize>i0 * ars4 + <usize>k0 * acs4, ars4, acs4, m, kc);
      const m4 = m & ~3;
      let jb: usize = 0;
      for (let j = 0; j < N; j += 8) {
        const nv = min(8, N - j);
        const pb = pbk + jb * panel;
        const pcj = c + (<usize>j << 2) + <usize>i0 * ldc4;
        const pbias = bias != 0 ? bias + (<usize>j << 2) : 0;
        let pa = SCRATCH;
        if (nv == 8) {
          // full panels: nv a literal, so the partial-column branches fold away
          for (let i = 0; i < m4; i += 4) {
            mkTile4x8P(kc, pa, pb, 32, pcj + <usize>i * ldc4, ldc4, 8, first, pbias);
            pa += group;
          }
        } else {
          for (let i = 0; i < m4; i += 4) {
            mkTile4x8P(kc, pa, pb, 32, pcj + <usize>i * ldc4, ldc4, nv, first, pbias);
            pa += group;
          }
        }
        // leftover rows (< 4) of the last, short group: one row at a time, A values 16 bytes apart
        for (let i = m4; i < m; i++) mkTile1x8(kc, pa + (<usize>(i - m4) << 2), 16, pb, 32, pcj + <usize>i * ldc4, nv, first, pbias);
        jb++;
      }
    }
  }
}
