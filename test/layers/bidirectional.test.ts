// Bidirectional: equals a forward layer and a goBackwards copy merged by hand (Keras semantics),
// its backward matches finite differences, and it counts, saves and trains like any layer.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, optimizers, modelFromJSON, modelToJSON, Random, resolveBackend, Sequential, Tensor, tensor, type ModelJSON } from '../../src/index.js';
import type { MergeMode } from '../../src/layers/index.js';
import { checkGradient, dot, randomArray } from '../helpers/gradcheck.js';

const kernels = resolveBackend();
const [B, T, D, H] = [2, 5, 3, 4];

function setup(kind: 'lstm' | 'gru' | 'simpleRNN', returnSequences: boolean, mergeMode: MergeMode) {
  const make = () => (kind === 'lstm' ? layers.lstm({ units: H, returnSequences }) : kind === 'gru' ? layers.gru({ units: H, returnSequences }) : layers.simpleRNN({ units: H, returnSequences }));
  const bi = layers.bidirectional({ layer: make(), mergeMode });
  const rng = new Random(9);
  bi.build([null, T, D], rng);
  const x = new Tensor(randomArray(rng, B * T * D), [B, T, D]);
  return { bi, x, make, rng };
}

describe('Bidirectional', () => {
  for (const kind of ['lstm', 'gru', 'simpleRNN'] as const) {
    for (const returnSequences of [false, true]) {
      for (const mergeMode of ['concat', 'sum', 'ave', 'mul'] as MergeMode[]) {
        it(`${kind} returnSequences=${returnSequences} merge=${mergeMode} equals the two directions merged by hand`, () => {
          const { bi, x, make } = setup(kind, returnSequences, mergeMode);
          const w = bi.getWeights();
          const n = w.length / 2;
          const fwd = make();
          const bwd = kind === 'lstm' ? layers.lstm({ units: H, returnSequences, goBackwards: true }) : kind === 'gru' ? layers.gru({ units: H, returnSequences, goBackwards: true }) : layers.simpleRNN({ units: H, returnSequences, goBackwards: true });
          fwd.call(x, kernels);
          bwd.call(x, kernels);
          fwd.setWeights(w.slice(0, n));
          bwd.setWeights(w.slice(n));
          const yF = fwd.call(x, kernels).output.data;
          const yBraw = bwd.call(x, kernels).output.data;
          // with returnSequences the backward output is put back into input time order
          const yB = new Float32Array(yBraw.length);
          if (returnSequences) for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let j = 0; j < H; j++) yB[(b * T + t) * H + j] = yBraw[(b * T + (T - 1 - t)) * H + j];
          else yB.set(yBraw);
          const y = bi.apply(x, kernels);
          assert.deepEqual(y.shape, returnSequences ? [B, T, mergeMode === 'concat' ? 2 * H : H] : [B, mergeMode === 'concat' ? 2 * H : H]);
          const rows = yF.length / H;
          for (let r = 0; r < rows; r++) {
            for (let j = 0; j < H; j++) {
              const a = yF[r * H + j], c = yB[r * H + j];
              const want = mergeMode === 'concat' ? [a, c] : [mergeMode === 'sum' ? a + c : mergeMode === 'ave' ? (a + c) / 2 : a * c];
              const got = mergeMode === 'concat' ? [y.data[r * 2 * H + j], y.data[r * 2 * H + H + j]] : [y.data[r * H + j]];
              want.forEach((v, i) => assert.ok(Math.abs(got[i] - v) <= 1e-6, `row ${r} unit ${j}: ${got[i]} vs ${v}`));
            }
          }
        });
      }
    }
  }

  for (const mergeMode of ['concat', 'mul'] as MergeMode[]) {
    it(`backward matches finite differences (lstm, returnSequences, ${mergeMode})`, () => {
      const { bi, x, rng } = setup('lstm', true, mergeMode);
      const outSize = B * T * (mergeMode === 'concat' ? 2 * H : H);
      const wOut = randomArray(rng, outSize, 1);
      const loss = (): number => dot(bi.forward(x, { kernels, training: false, rng }).data as Float32Array, wOut);
      for (const p of bi.params) p.grad.fill(0);
      bi.forward(x, { kernels, training: true, rng });
      const dx = bi.backward(new Tensor(wOut, [B, T, mergeMode === 'concat' ? 2 * H : H]), { kernels, training: true, rng });
      assert.ok(dx, "bidirectional backward returns dx for a plain input");
      checkGradient("dx", loss, x.data as Float32Array, dx.data as Float32Array);
      for (const p of bi.params) checkGradient(p.name, loss, p.value, p.grad);
    });
  }

  it('in a model: Keras parameter count, names, save/load round trip, and it learns', async () => {
    const model = new Sequential([layers.embedding({ inputDim: 10, outputDim: 8, inputLength: 12 }), layers.bidirectional({ layer: layers.lstm({ units: 16 }) }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 4 });
    assert.match(model.summary(false), /bidirectional \(Bidirectional\) +\(None, 32\) +3,200\n/); // 2 · 4·(8·16 + 16·16 + 16) = 2 · 1,600
    assert.deepEqual(model.layers[1].params.map((p) => p.name), ['forward_lstm/kernel', 'forward_lstm/recurrent_kernel', 'forward_lstm/bias', 'backward_lstm/kernel', 'backward_lstm/recurrent_kernel', 'backward_lstm/bias']);
    // "does the sequence contain a 7": needs the whole sequence, either direction
    const rng = new Random(2);
    const x: number[][] = [];
    const y: number[][] = [];
    for (let i = 0; i < 256; i++) {
      const s = Array.from({ length: 12 }, () => 1 + rng.int(9)).map((v) => (v === 7 ? 8 : v));
      if (i % 2 === 0) s[rng.int(12)] = 7;
      x.push(s);
      y.push([i % 2 === 0 ? 1 : 0]);
    }
    model.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const xt = tensor(x, undefined, 'int32');
    await model.fit(xt, y, { epochs: 15, batchSize: 32, verbose: 0 });
    const [, acc] = await model.evaluate(xt, y);
    assert.ok(acc > 0.95, `accuracy ${acc}`);
    const copy = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(model))) as ModelJSON);
    assert.deepEqual(Array.from(copy.predict(xt).data), Array.from(model.predict(xt).data));
    assert.equal(copy.summary(false), model.summary(false));
  });

  it('takes the wrapped layer in the Keras form, bidirectional(layer, options), as well as in the options', () => {
    const keras = layers.bidirectional(layers.gru({ units: H, returnSequences: true }), { mergeMode: 'sum', name: 'bi_gru' });
    const tfjs = layers.bidirectional({ layer: layers.gru({ units: H, returnSequences: true }), mergeMode: 'sum', name: 'bi_gru' });
    assert.deepEqual(keras.getConfig(), tfjs.getConfig());
    keras.build([null, T, D], new Random(3));
    tfjs.build([null, T, D], new Random(3));
    const x = new Tensor(randomArray(new Random(4), B * T * D), [B, T, D]);
    const run = (l: typeof keras): Float32Array => l.forward(x, { kernels, training: false, rng: new Random(5) }).data as Float32Array;
    assert.deepEqual(run(keras), run(tfjs));
    assert.equal(layers.bidirectional(layers.lstm({ units: 3 })).mergeMode, 'concat');
  });

  it('rejects what it cannot wrap', () => {
    assert.throws(() => layers.bidirectional({ layer: layers.dense({ units: 2 }) as never }), /wraps a recurrent layer .*got a Dense layer/);
    assert.throws(() => layers.bidirectional(layers.dense({ units: 2 }) as never), /wraps a recurrent layer .*got a Dense layer/);
    assert.throws(() => layers.bidirectional({ units: 2 } as never), /bidirectional\(layers\.lstm\(\{ units: 32 \}\)\).*got an object without a recurrent layer/);
    assert.throws(() => layers.bidirectional({ layer: layers.lstm({ units: 2, returnState: true }) }), /returnState/);
    // masking is not implemented: an Embedding with maskZero must not feed it silently
    assert.throws(() => new Sequential([layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3, maskZero: true }), layers.bidirectional({ layer: layers.gru({ units: 2 }) })]), /maskZero is not supported/);
  });
});
