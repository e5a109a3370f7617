// Wasm kernels for a test file: one single-threaded and one two-threaded instance,
// disposed when the file's tests are done.
import { after } from 'node:test';
import { createWasmKernels, type WasmKernels } from '../../src/kernels/wasm/index.js';

export function wasmKernelPair(): [WasmKernels, WasmKernels] {
  const W1 = createWasmKernels({ threads: 1 });
  const W2 = createWasmKernels({ threads: 2 });
  after(() => {
    W1.dispose();
    W2.dispose();
  });
  return [W1, W2];
}
