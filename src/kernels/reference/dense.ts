/**
 * Dense: y[N,U] = x[N,D] · kernel[D,U] + bias[U]. The activation is applied
 * separately so that the same kernel serves every activation.
 */
import type { DenseBackwardArgs, DenseBackwardResult, DenseForwardArgs } from '../kernels.js';
import { matmulAcc, matmulTransAAcc, matmulTransBAcc } from './matmul.js';

export function denseForward({ x, kernel, bias, N, D, U }: DenseForwardArgs): Float32Array {
  const y = new Float32Array(N * U); // [N, U]
  if (bias) for (let n = 0; n < N; n++) y.set(bias, n * U);
  matmulAcc(y, x, kernel, N, D, U);
  return y;
}

export function denseBackward({ x, kernel, dy, N, D, U, hasBias }: DenseBackwardArgs): DenseBackwardResult {
  const dx = new Float32Array(N * D); //      [N, D]
  const dKernel = new Float32Array(D * U); // [D, U]
  matmulTransBAcc(dx, dy, kernel, N, U, D);
  matmulTransAAcc(dKernel, x, dy, N, D, U);
  let dBias: Float32Array | null = null;
  if (hasBias) {
    dBias = new Float32Array(U); // [U]
    for (let n = 0; n < N; n++) for (let u = 0; u < U; u++) dBias[u] += dy[n * U + u];
  }
  return { dx, dKernel, dBias };
}
