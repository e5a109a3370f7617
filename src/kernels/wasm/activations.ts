/**
 * Activations on the wasm backend: the activation codes shared with the
 * AssemblyScript kernels (assembly/activations.ts), and the elementwise
 * forward/backward glue (wasm for large buffers, the reference otherwise).
 */
import type { ActivationName } from '../kernels.js';
import { activationBackward as refActivationBackward, activationForward as refActivationForward } from '../reference/activations.js';
import type { WasmRuntime } from './runtime.js';

/** Codes of the `code` / `act` / `ract` kernel arguments (must match assembly/activations.ts). */
export const ACT_CODES: Record<ActivationName, number> = {
  linear: 0,
  sigmoid: 1,
  hardSigmoid: 2,
  tanh: 3,
  relu: 4,
  softplus: 5,
  elu: 6,
  selu: 7,
  exponential: 8,
  softmax: -1,
};

/** The code of an activation usable inside a recurrent kernel (throws for softmax). */
export function actCode(name: ActivationName, what: string): number {
  const c = ACT_CODES[name];
  if (c === undefined || c < 0) throw new Error(`wasm backend: ${what} activation "${name}" is not supported in a recurrent layer`);
  return c;
}

/** Below this many elements the reference loops beat the copy in and out. */
const ACT_WASM_MIN = 2048;

export function activationForward(rt: WasmRuntime, name: ActivationName, x: Float32Array, lastDim: number): Float32Array {
  if (name === 'softmax' || x.length < ACT_WASM_MIN) return refActivationForward(name, x, lastDim);
  const px = rt.put(x);
  rt.exports.activationForward(ACT_CODES[name], px, px, x.length);
  const y = rt.copyOut(px, x.length);
  rt.release(px);
  return y;
}

export function activationBackward(rt: WasmRuntime, name: ActivationName, x: Float32Array, y: Float32Array, dy: Float32Array, lastDim: number): Float32Array {
  if (name === 'softmax' || x.length < ACT_WASM_MIN) return refActivationBackward(name, x, y, dy, lastDim);
  if (name === 'linear') return dy.slice();
  const py = rt.put(y);
  const pdy = rt.put(dy);
  rt.exports.activationBackward(ACT_CODES[name], py, pdy, pdy, x.length);
  const dx = rt.copyOut(pdy, x.length);
  rt.releaseAll([py, pdy]);
  return dx;
}
