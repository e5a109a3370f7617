// Packed-B GEMM: packB, the driver over packed panels (4×8 / 1×8 micro-kernels shared
// with gemm.ts, ldb = 32, with the bias / zero initialisation folded into the first k-block),
// the A-block transpose for column-strided A, and the per-instance scratch that holds it.
// Dimensions: C [M,N] (+)= A [M,K] · B [K,N]; B packed over Kp rows as ⌈N/8⌉ panels of [Kp][8].

import { KC, mkTile1x8, mkTile4x8 } from './gemm';
import { fillRows } from './layout';

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
        for (; i + 4 <= m; i += 4) mkTile4x8(kc, pa0 + <usize>i * ars4, ars4, acs4, pb, 32, pcj + <usize>i * ldc4, ldc4, nv, first, pbias);
        for (; i < m; i++) mkTile1x8(kc, pa0 + <usize>i * ars4, acs4, pb, 32, pcj + <usize>i * ldc4, nv, first, pbias);
        jb++;
      }
    }
  }
}
