/**
 * Backend selection. Backends are injected (a model option or the
 * RECURRENT_BACKEND environment variable); nothing is chosen by import side effects.
 */
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference/index.js';

export type BackendName = 'reference' | 'wasm';
export type BackendSpec = BackendName | Kernels;

function envBackend(): string | undefined {
  return typeof process !== 'undefined' ? process.env?.RECURRENT_BACKEND : undefined;
}

/** Resolves a backend option: an explicit Kernels object, a name, RECURRENT_BACKEND, or the default. */
export function resolveBackend(spec?: BackendSpec): Kernels {
  if (spec !== undefined && typeof spec !== 'string') return spec;
  const name = spec ?? envBackend() ?? 'reference';
  switch (name) {
    case 'reference':
      return referenceKernels;
    case 'wasm':
      throw new Error('backend "wasm" is not available in this build');
    default:
      throw new Error(`unknown backend "${name}" (expected "reference" or "wasm")`);
  }
}
