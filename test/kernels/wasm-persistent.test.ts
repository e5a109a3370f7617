// Persistent (resident) buffers of the wasm backend: parameters, gradients and optimizer moments
// that live inside the shared wasm memory so the kernels use them in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Sequential, layers, optimizers, tensor } from '../../src/index.js';
import { referenceKernels } from '../../src/kernels/reference/index.js';
import type { AdamUpdateArgs } from '../../src/kernels/kernels.js';
import { Random } from '../../src/random.js';
import { wasmKernelPair } from '../helpers/wasm.js';

const [W1, W2] = wasmKernelPair();

/** Full collections with turns of the event loop between them, so FinalizationRegistry callbacks run. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 5));
  }
}

function randomArray(rng: Random, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

test('persistentFloats: zeroed, resident, and still valid after the memory grows', () => {
  for (const W of [W1, W2]) {
    const rt = W.runtime;
    assert.ok(rt.shared, 'Node offers a shared memory for one thread too');
    const owner = {};
    const a = W.persistentFloats!(1000, [owner])!;
    assert.equal(a.length, 1000);
    assert.ok(a.every((v) => v === 0));
    assert.ok(rt.residentOffset(a) >= 0, `threads ${W.threads}: offset ${rt.residentOffset(a)} buffer is memory's: ${a.buffer === rt.memory.buffer}`);
    assert.ok(rt.residentOffset(a.subarray(10, 20)) === rt.residentOffset(a) + 40);
    assert.equal(rt.residentOffset(new Float32Array(4)), -1);
    a.set([1.5, -2, 3], 7);
    const before = rt.stats().memoryBytes;
    const big = rt.alloc(before * 2); // forces growth
    assert.ok(rt.stats().memoryBytes > before);
    assert.deepEqual([...a.subarray(7, 10)], [1.5, -2, 3]);
    a[999] = 42;
    assert.equal(rt.f32(rt.residentOffset(a), 1000)[999], 42, 'the kernels see writes through the array');
    rt.release(big);
  }
});

test('input() reads resident arrays in place; releasing such an offset does not free them', () => {
  const rt = W1.runtime;
  const a = W1.persistentFloats!(64, [{}])!;
  a.fill(3);
  const live = rt.stats().liveBytes;
  const off = rt.input(a);
  assert.equal(off, rt.residentOffset(a));
  assert.equal(rt.stats().liveBytes, live, 'no copy was allocated');
  rt.release(off);
  assert.equal(rt.stats().liveBytes, live);
  const scratch = rt.alloc(64 * 4); // would reuse the block if it had been freed
  rt.f32(scratch, 64).fill(-1);
  assert.ok(a.every((v) => v === 3));
  rt.release(scratch);
  const plain = new Float32Array([1, 2, 3]);
  const copy = rt.input(plain);
  assert.notEqual(copy, -1);
  assert.deepEqual([...rt.f32(copy, 3)], [1, 2, 3]);
  rt.release(copy);
});

test('adamUpdate in place on resident buffers equals the copying path and the reference', () => {
  for (const W of [W1, W2]) {
    for (const n of [7, 5000, 300_001]) {
      const rng = new Random(n);
      const param = randomArray(rng, n);
      const grad = randomArray(rng, n);
      const m = randomArray(rng, n).map(Math.abs);
      const v = randomArray(rng, n).map(Math.abs);
      const owner = {};
      const res = [param, grad, m, v].map((x) => {
        const r = W.persistentFloats!(n, [owner])!;
        r.set(x);
        return r;
      });
      const hyper = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 3, weightDecay: 0.004 };
      const plain: AdamUpdateArgs = { param: param.slice(), grad, m: m.slice(), v: v.slice(), ...hyper };
      const ref: AdamUpdateArgs = { param: param.slice(), grad, m: m.slice(), v: v.slice(), ...hyper };
      W.adamUpdate({ param: res[0], grad: res[1], m: res[2], v: res[3], ...hyper });
      W.adamUpdate(plain);
      referenceKernels.adamUpdate(ref);
      if (n >= 4096) assert.deepEqual(res[0], plain.param, `threads ${W.threads} n ${n}: same wasm update either way`);
      // float32 arithmetic here, float64 in the reference: relative agreement (a tiny v makes m/√v large)
      const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-5 * (1 + Math.abs(b));
      for (let i = 0; i < n; i++) {
        assert.ok(close(res[0][i], ref.param[i]), `param[${i}]: ${res[0][i]} vs ${ref.param[i]}`);
        assert.ok(close(res[2][i], ref.m[i]), `m[${i}]`);
        assert.ok(close(res[3][i], ref.v[i]), `v[${i}]`);
      }
      assert.deepEqual(res[1], grad, 'the gradient is not modified');
    }
  }
});

test('a model on the wasm backend keeps parameters, gradients and Adam moments in wasm memory', () => {
  const model = new Sequential(
    [layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6 }), layers.lstm({ units: 5 }), layers.dense({ units: 1, activation: 'sigmoid' })],
    { seed: 3, backend: W2 },
  );
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const x = tensor(Int32Array.from({ length: 24 }, (_, i) => (i * 7) % 50), [4, 6], 'int32');
  const y = tensor(new Float32Array([0, 1, 1, 0]), [4, 1]);
  const w0 = model.getWeights().map((w) => w.data.slice());
  model.trainOnBatch(x, y);
  for (const l of model.layers) {
    for (const p of l.params) {
      assert.ok(W2.runtime.residentOffset(p.value) >= 0, `${l.name}/${p.name} value`);
      assert.ok(W2.runtime.residentOffset(p.grad) >= 0, `${l.name}/${p.name} grad`);
    }
  }
  const w1 = model.getWeights();
  w1.forEach((w, i) => assert.ok(w.data.some((v, j) => v !== w0[i][j]), `weight ${i} was updated in place`));
  // the same training on the reference backend ends at the same weights
  const ref = new Sequential(
    [layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6 }), layers.lstm({ units: 5 }), layers.dense({ units: 1, activation: 'sigmoid' })],
    { seed: 3, backend: referenceKernels },
  );
  ref.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  ref.trainOnBatch(x, y);
  ref.getWeights().forEach((w, i) => w.data.forEach((v, j) => assert.ok(Math.abs(v - w1[i].data[j]) < 1e-5, `weight ${i}[${j}]`)));
});

test('predict without any training step puts the weights in wasm memory (read in place), with unchanged results', () => {
  const build = (backend: typeof W2 | typeof referenceKernels): Sequential =>
    new Sequential([layers.embedding({ inputDim: 50, outputDim: 8, inputLength: 6 }), layers.lstm({ units: 5 }), layers.dense({ units: 1 })], { seed: 4, backend });
  const x = tensor(Int32Array.from({ length: 24 }, (_, i) => (i * 11) % 50), [4, 6], 'int32');
  const model = build(W2);
  const first = model.predict(x).data.slice();
  for (const l of model.layers) for (const p of l.params) assert.ok(W2.runtime.residentOffset(p.value) >= 0, `${l.name}/${p.name} value`);
  assert.deepEqual(model.predict(x).data, first, 'a second predict on the resident weights');
  const want = build(referenceKernels).predict(x).data;
  first.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6, `output ${i}: ${v} vs reference ${want[i]}`));
});

test('alternating training steps and predictions keeps the wasm memory in use flat (projected tables rebuilt in place)', () => {
  const model = new Sequential([layers.embedding({ inputDim: 40, outputDim: 8, inputLength: 12 }), layers.lstm({ units: 6 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 5, backend: W2 });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  // B·T = 48 ≥ V = 40: every predict after a step rebuilds the projected table and its weight snapshots
  const x = tensor(Int32Array.from({ length: 48 }, (_, i) => (i * 13) % 40), [4, 12], 'int32');
  const y = tensor(new Float32Array([1, 0, 0, 1]), [4, 1]);
  const cycle = (): void => {
    model.trainOnBatch(x, y);
    model.predict(x);
  };
  cycle();
  cycle();
  const live = W2.runtime.stats().liveBytes;
  for (let i = 0; i < 20; i++) cycle();
  assert.equal(W2.runtime.stats().liveBytes, live, 'bytes in use after 20 more train/predict cycles');
});

test('a persistent block is released once all of its owners are garbage-collected', async () => {
  const rt = W1.runtime;
  await collectGarbage(); // blocks of the earlier tests' owners go first
  const live0 = rt.stats().liveBytes;
  (() => {
    const owners = [{}, {}];
    W1.persistentFloats!(100_000, owners)![0] = 1;
  })();
  assert.ok(rt.stats().liveBytes >= live0 + 400_000);
  for (let i = 0; i < 10 && rt.stats().liveBytes > live0; i++) await collectGarbage();
  assert.equal(rt.stats().liveBytes, live0);
});

test("an optimizer's slot replaced by one of another length releases its block (not kept until the optimizer goes)", async () => {
  const rt = W1.runtime;
  const opt = optimizers.adam();
  const variable = (n: number): { value: Float32Array; grad: Float32Array } => ({ value: new Float32Array(n), grad: new Float32Array(n).fill(0.1) });
  const a = variable(50_000);
  opt.apply([a], W1); // slots m and v: 2 × 200 kB of persistent storage
  await collectGarbage();
  const live = rt.stats().liveBytes;
  for (let k = 0; k < 6; k++) {
    opt.apply([k % 2 ? a : variable(60_000)], W1); // the slots switch length every time
    await collectGarbage();
  }
  opt.apply([a], W1);
  await collectGarbage();
  assert.equal(rt.stats().liveBytes, live, 'bytes in use once the slots are back to the first length');
});

test("a model's parameter store rebuilt after layers were added releases the old store's blocks, but not while a view of it is held", async () => {
  const rt = W1.runtime;
  const model = new Sequential([layers.embedding({ inputDim: 20_000, outputDim: 8, inputLength: 4 })], { seed: 6, backend: W1 });
  const x = tensor(Int32Array.from({ length: 8 }, (_, i) => i * 97), [2, 4], 'int32');
  model.predict(x); // the store: 2 × 640 kB (values and gradients)
  await collectGarbage();
  const live = rt.stats().liveBytes;
  const kept = model.layers[0].params[0].value; // a view of the first store, held across the rebuilds
  const first = kept.slice();
  for (let k = 0; k < 4; k++) {
    model.add(layers.dense({ units: 2 })); // each added layer makes the next call rebuild the store
    model.predict(x);
    await collectGarbage();
  }
  const grown = rt.stats().liveBytes;
  // old stores go (their Params were rebound); only the first one, still viewed through `kept`, stays
  assert.ok(grown < live + 2 * 640_000 + 100_000, `bytes in use grew by ${grown - live} over 4 rebuilds`);
  assert.ok(grown >= live + 2 * 640_000, `the first store's blocks are still in use while a view of them is held (grew by ${grown - live})`);
  assert.deepEqual(kept, first, 'the held view still reads the weights it was taken from');
  void kept[0];
});

test('sameBits compares resident arrays in wasm (any length, a difference anywhere); null for others', () => {
  for (const n of [1, 15, 16, 17, 100, 1000]) {
    const owner = {};
    const a = W2.persistentFloats!(n, [owner])!;
    const b = W2.persistentFloats!(n, [owner])!;
    const rng = new Random(n);
    for (let i = 0; i < n; i++) a[i] = b[i] = rng.uniform(-1, 1);
    assert.equal(W2.sameBits!(a, b), true, `n ${n}: equal`);
    for (const i of [0, n >> 1, n - 1]) {
      const keep = b[i];
      b[i] = -keep; // the values are random, non-zero: this flips one sign bit
      assert.equal(W2.sameBits!(a, b), false, `n ${n}: differs at ${i}`);
      b[i] = keep;
    }
    assert.equal(W2.sameBits!(a, b.subarray(1)), false, 'lengths differ');
    assert.equal(W2.sameBits!(a, Float32Array.from(a)), null, 'a plain array: no fast path');
  }
});

test('zeroFill zeroes resident arrays in wasm and leaves other arrays alone', () => {
  const a = W1.persistentFloats!(1001, [{}])!;
  a.fill(2.5);
  assert.equal(W1.zeroFill!(a.subarray(1, 1000)), true);
  assert.equal(a[0], 2.5);
  assert.equal(a[1000], 2.5);
  assert.ok(a.subarray(1, 1000).every((v) => v === 0));
  const plain = new Float32Array([1, 2]);
  assert.equal(W1.zeroFill!(plain), false);
  assert.deepEqual([...plain], [1, 2]);
});
