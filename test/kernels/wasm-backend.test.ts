// Backend selection for the wasm backend: default choice, explicit name, env override, thread option.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createWasmKernels, defaultBackendName, precompileWasm, resolveBackend, wasmSimdSupported } from '../../src/kernels/backend.js';

test('wasm SIMD is available in this Node, and is the default backend', () => {
  assert.equal(wasmSimdSupported(), true);
  const saved = process.env.RECURRENT_BACKEND;
  delete process.env.RECURRENT_BACKEND;
  try {
    assert.equal(defaultBackendName(), 'wasm');
    assert.equal(resolveBackend().name, 'wasm');
    assert.equal(resolveBackend('wasm'), resolveBackend(), 'one shared default wasm instance');
    process.env.RECURRENT_BACKEND = 'reference';
    assert.equal(resolveBackend().name, 'reference');
    process.env.RECURRENT_BACKEND = 'wasm';
    assert.equal(resolveBackend().name, 'wasm');
  } finally {
    if (saved === undefined) delete process.env.RECURRENT_BACKEND;
    else process.env.RECURRENT_BACKEND = saved;
  }
});

test('createWasmKernels({ threads }) sets the thread count', async () => {
  await precompileWasm();
  const k1 = createWasmKernels({ threads: 1 });
  const k2 = createWasmKernels({ threads: 2 });
  assert.equal(k1.threads, 1);
  assert.equal(k2.threads, 2);
  assert.equal(resolveBackend(k2), k2);
  k1.dispose();
  k2.dispose();
});
