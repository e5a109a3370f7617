// Inference through Embedding → recurrent layer with the projected embedding table
// (Sequential.forward, training = false): predict must equal running the layers one
// by one, and must follow every weight change (optimizer steps, model and layer
// setWeights, writes into Param.value), so a stale projected table fails here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, optimizers, Random, Sequential, Tensor, type Kernels } from '../../src/index.js';
import { countingBackend } from '../helpers/rnn-kernels.js';
import type { Layer } from '../../src/layers/layer.js';

/** The default backend, counting recurrent forwards that got an inputProjection. */
function projectionCounter(): { kernels: Kernels; projected: () => number } {
  const { kernels, count } = countingBackend((a) => !!a.inputProjection);
  return { kernels, projected: count };
}

/** The model's inference output computed layer by layer (never fused). */
function unfused(model: Sequential, x: Tensor): Float32Array {
  const ctx = { kernels: model.kernels, training: false, rng: new Random(0) };
  let h = x;
  for (const l of model.layers) h = l.forward(h, ctx);
  return h.data as Float32Array;
}

function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) <= 1e-5, `${what}: [${i}] got ${got[i]}, want ${want[i]}`);
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function ids(seed: number, B: number, T: number, V: number): Tensor {
  const rng = new Random(seed);
  return new Tensor(Int32Array.from({ length: B * T }, () => Math.floor(rng.next() * V)), [B, T], 'int32');
}

const recurrent: [string, () => Layer][] = [
  ['lstm', () => layers.lstm({ units: 5 })],
  ['gru resetAfter', () => layers.gru({ units: 4, goBackwards: true })],
  ['gru resetAfter=false', () => layers.gru({ units: 4, resetAfter: false, returnSequences: true })],
  ['simpleRNN', () => layers.simpleRNN({ units: 3, goBackwards: true })],
];

describe('Embedding → recurrent inference with the projected table', () => {
  for (const [name, make] of recurrent) {
    it(`${name}: predict equals the layer-by-layer result after training steps and setWeights`, () => {
      const B = 4, T = 6, V = 20;
      const { kernels, projected } = projectionCounter();
      const model = new Sequential([layers.embedding({ inputDim: V, outputDim: 6, inputLength: T }), make(), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3, backend: kernels });
      model.compile({ optimizer: optimizers.adam({ learningRate: 0.05 }), loss: 'binaryCrossentropy' });
      const x = ids(1, B, T, V);
      const before = model.predict(x).data;
      assert.equal(projected(), 1, 'B·T ≥ V: the first predict uses the projected table');
      assertClose(before, unfused(model, x), 'initial');
      model.predict(x);
      assert.equal(projected(), 2);

      // optimizer steps change the weights: the table must be rebuilt
      const target = model.predict(x);
      const yData = new Float32Array(target.size).map((_, i) => (i % 2 ? 1 : 0));
      for (let s = 0; s < 3; s++) model.trainOnBatch(x, new Tensor(yData, target.shape));
      const trained = model.predict(x).data;
      assert.ok(maxDiff(trained, before) > 1e-4, 'training changed the predictions');
      assertClose(trained, unfused(model, x), 'after training');

      // model.setWeights
      const w = model.getWeights().map((t) => new Tensor((t.data as Float32Array).map((v, i) => v + 0.05 * Math.sin(i + 1)), t.shape));
      model.setWeights(w);
      const set = model.predict(x).data;
      assert.ok(maxDiff(set, trained) > 1e-4);
      assertClose(set, unfused(model, x), 'after model.setWeights');

      // layer-level setWeights, on the embedding and on the recurrent layer
      for (const l of model.layers.slice(0, 2)) {
        const prev = model.predict(x).data;
        l.setWeights(l.getWeights().map((t) => new Tensor((t.data as Float32Array).map((v, i) => v - 0.07 * Math.cos(i)), t.shape)));
        const now = model.predict(x).data;
        assert.ok(maxDiff(now, prev) > 1e-4);
        assertClose(now, unfused(model, x), `after ${l.name}.setWeights`);
      }

      // writes straight into Param.value (as finite-difference checks do)
      for (const p of model.layers.slice(0, 2).flatMap((l) => l.params)) {
        const prev = model.predict(x).data;
        p.value[p.value.length >> 1] += 0.3;
        const now = model.predict(x).data;
        assert.ok(maxDiff(now, prev) > 1e-6, `${p.name}: the write changed the predictions`);
        assertClose(now, unfused(model, x), `after writing into ${p.name}`);
      }
      assert.ok(projected() >= 6);
    });
  }

  it('a large vocabulary is projected only once enough token rows have gone through the normal path', () => {
    const B = 2, T = 5, V = 45; // B·T = 10 rows per predict: the table is built on the 5th predict
    const { kernels, projected } = projectionCounter();
    const model = new Sequential([layers.embedding({ inputDim: V, outputDim: 4, inputLength: T }), layers.lstm({ units: 3 })], { seed: 5, backend: kernels });
    const x = ids(2, B, T, V);
    const want = unfused(model, x);
    for (let i = 1; i <= 6; i++) {
      assertClose(model.predict(x).data, want, `predict ${i}`);
      assert.equal(projected(), Math.max(0, i - 4), `predict ${i}`);
    }
  });

  it('out-of-range ids are still rejected on the projected path', () => {
    const model = new Sequential([layers.embedding({ inputDim: 5, outputDim: 3, inputLength: 4 }), layers.gru({ units: 2 })], { seed: 1 });
    model.predict(ids(1, 2, 4, 5)); // builds the projected table
    assert.throws(() => model.predict(new Tensor(Int32Array.from([0, 1, 2, 5, 0, 1, 2, 3]), [2, 4], 'int32')), /token id 5 at position \[0, 3\] is outside \[0, 5\)/);
  });
});
