/**
 * Reference matrix products on row-major Float32Arrays. Plain loops in i-k-j
 * order (contiguous inner loop); accumulation is in float32 like the fast backends.
 * All three accumulate into `out` (+=), as llm.c's backward passes do.
 */

/** out[M,N] += a[M,K] · b[K,N] */
export function matmulAcc(out: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const o = i * N;
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k];
      if (aik === 0) continue;
      const bk = k * N;
      for (let j = 0; j < N; j++) out[o + j] += aik * b[bk + j];
    }
  }
}

/** out[K,N] += aᵀ · b, with a[M,K], b[M,N] (weight gradients). */
export function matmulTransAAcc(out: Float32Array, a: Float32Array, b: Float32Array, M: number, K: number, N: number): void {
  for (let i = 0; i < M; i++) {
    const bi = i * N;
    for (let k = 0; k < K; k++) {
      const aik = a[i * K + k];
      if (aik === 0) continue;
      const o = k * N;
      for (let j = 0; j < N; j++) out[o + j] += aik * b[bi + j];
    }
  }
}

/** out[M,K] += a · bᵀ, with a[M,N], b[K,N] (input gradients). */
export function matmulTransBAcc(out: Float32Array, a: Float32Array, b: Float32Array, M: number, N: number, K: number): void {
  for (let i = 0; i < M; i++) {
    const ai = i * N;
    for (let k = 0; k < K; k++) {
      const bk = k * N;
      let s = 0;
      for (let j = 0; j < N; j++) s += a[ai + j] * b[bk + j];
      out[i * K + k] += s;
    }
  }
}
