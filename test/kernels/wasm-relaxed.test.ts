// The relaxed-SIMD (FMA) build of the wasm kernels: golden suite (tolerance 1e-5) with 1 and 2 threads.
// Node 20 ships relaxed SIMD behind --experimental-wasm-relaxed-simd: when this process cannot
// validate it, the file re-runs itself in a child Node with the flag.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createWasmKernels, relaxedSimdSupported } from '../../src/kernels/wasm/index.js';
import { runGoldenSuite } from './golden-suite.js';

if (relaxedSimdSupported()) {
  const one = createWasmKernels({ threads: 1, relaxedSimd: true });
  const two = createWasmKernels({ threads: 2, relaxedSimd: true });
  test('relaxed build is in use', () => {
    assert.equal(one.runtime.fma, true);
    assert.equal(two.runtime.fma, true);
  });
  runGoldenSuite({ ...one, name: 'wasm relaxed-SIMD' });
  runGoldenSuite({ ...two, name: 'wasm relaxed-SIMD, 2 threads' });
  after(() => {
    one.dispose();
    two.dispose();
  });
} else {
  test('relaxed-SIMD build passes the golden suite (child node with --experimental-wasm-relaxed-simd)', () => {
    const r = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--test', fileURLToPath(import.meta.url)], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NODE_TEST_CONTEXT: undefined }, // a plain top-level test run in the child
    });
    if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') assert.fail('child timed out');
    const tail = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => /^# (pass|fail)|not ok|Error/.test(l));
    assert.equal(r.status, 0, `child failed:\n${tail.join('\n')}`);
    assert.match(r.stdout, /# fail 0/);
    assert.match(r.stdout, /# pass ([4-9]\d|\d{3})/, 'the child ran the golden suite');
  });
}
