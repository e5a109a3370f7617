/**
 * Dense layer glue on the wasm backend: y = x·kernel + bias and its gradients as GEMMs.
 * Dimensions: N rows (batch), D input features, U units; x [N, D], kernel [D, U], y / dy [N, U].
 */
import type { DenseBackwardArgs, DenseBackwardResult, DenseForwardArgs } from '../kernels.js';
import type { WasmRuntime } from './runtime.js';

export function denseForward(rt: WasmRuntime, { x, kernel, bias, N, D, U }: DenseForwardArgs): Float32Array {
  const px = rt.put(x);
  const pk = rt.input(kernel); // in place when resident (see runtime.input)
  const pb = bias ? rt.input(bias) : 0;
  const py = rt.alloc(N * U * 4);
  rt.gemm(N, U, D, px, D, 1, pk, U, 1, py, U, { bias: pb });
  const y = rt.copyOut(py, N * U);
  rt.releaseAll([px, pk, pb, py]);
  return y;
}

export function denseBackward(rt: WasmRuntime, { x, kernel, dy, N, D, U, hasBias }: DenseBackwardArgs): DenseBackwardResult {
  const px = rt.put(x);
  const pk = rt.input(kernel);
  const pdy = rt.put(dy);
  const pdx = rt.zeros(N * D);
  const pdk = rt.zeros(D * U);
  const pdb = hasBias ? rt.zeros(U) : 0;
  rt.gemm(N, D, U, pdy, U, 1, pk, 1, U, pdx, D); // dy·kernelᵀ
  rt.gemm(D, U, N, px, 1, D, pdy, U, 1, pdk, U); // xᵀ·dy
  if (pdb) rt.exports.colSum(pdb, pdy, N, U, U);
  const res = { dx: rt.copyOut(pdx, N * D), dKernel: rt.copyOut(pdk, D * U), dBias: pdb ? rt.copyOut(pdb, U) : null };
  rt.releaseAll([px, pk, pdy, pdx, pdk, pdb]);
  return res;
}
