// Golden numerics (PyTorch float64 fixtures, tolerance 1e-5) on the wasm backend,
// single-threaded and with 2 threads (batch split across workers).
import { after } from 'node:test';
import { createWasmKernels } from '../../src/kernels/wasm/index.js';
import { runGoldenSuite } from './golden-suite.js';

const one = createWasmKernels({ threads: 1 });
const two = createWasmKernels({ threads: 2 });
runGoldenSuite(one);
runGoldenSuite({ ...two, name: 'wasm, 2 threads' });
after(() => {
  one.dispose();
  two.dispose();
});
