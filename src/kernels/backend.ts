/**
 * Backend selection. Backends are injected (a model option or the
 * RECURRENT_BACKEND environment variable); nothing is chosen by import side effects.
 */
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference/index.js';
import { createWasmKernels, defaultWasmKernels, precompileWasm, wasmSimdSupported, type WasmKernels, type WasmKernelsOptions } from './wasm/index.js';

export type BackendName = 'reference' | 'wasm';
export type BackendSpec = BackendName | Kernels;
/**
 * createWasmKernels({ threads }) builds a wasm backend with its own thread count (pass it as the
 * backend option); precompileWasm() compiles the module asynchronously (browsers: await it first).
 */
export { createWasmKernels, precompileWasm, wasmSimdSupported, type WasmKernels, type WasmKernelsOptions };

function envBackend(): string | undefined {
  return typeof process !== 'undefined' ? process.env?.RECURRENT_BACKEND : undefined;
}

/** The backend used when none is asked for: 'wasm' where WebAssembly SIMD is available, else 'reference'. */
export function defaultBackendName(): BackendName {
  return wasmSimdSupported() ? 'wasm' : 'reference';
}

/** Resolves a backend option: an explicit Kernels object, a name, RECURRENT_BACKEND, or the default. */
export function resolveBackend(spec?: BackendSpec): Kernels {
  if (spec !== undefined && typeof spec !== 'string') return spec;
  const name = spec ?? envBackend() ?? defaultBackendName();
  switch (name) {
    case 'reference':
      return referenceKernels;
    case 'wasm':
      if (!wasmSimdSupported()) throw new Error('backend "wasm" needs WebAssembly with 128-bit SIMD, which this runtime does not support; use "reference"');
      return defaultWasmKernels();
    default:
      throw new Error(`unknown backend "${name}" (expected "reference" or "wasm")`);
  }
}
