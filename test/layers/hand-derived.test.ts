// One-unit cases written out by hand, for the variants PyTorch has no layer
// for: GRU with resetAfter=false (the original Cho et al. GRU, Keras' former
// default) and LSTM/GRU with hardSigmoid gates. Each expected value is the
// scalar recurrence below, evaluated with plain Math — independent of the
// kernels — and run through the public layer API on the default backend.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, resolveBackend, tensor } from '../../src/index.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const hardSigmoid = (v: number): number => Math.min(1, Math.max(0, v / 6 + 0.5)); // Keras 3: relu6(x + 3) / 6
const close = (got: ArrayLike<number>, want: number[], what: string): void => {
  assert.equal(got.length, want.length, what);
  want.forEach((w, i) => assert.ok(Math.abs(got[i] - w) <= 1e-6, `${what}[${i}]: got ${got[i]}, want ${w}`));
};

const x = [1, 2, -0.5]; // one sequence, three steps, one feature
const kernels = resolveBackend();

describe('GRU, one unit, by hand', () => {
  // kernel [1, 3] = [wz, wr, wh], recurrentKernel [1, 3] = [uz, ur, uh]
  const [wz, wr, wh] = [0.5, -0.5, 1.0];
  const [uz, ur, uh] = [0.2, 0.3, -0.4];

  it('resetAfter=false: h̃ = tanh(wh·x + bh + uh·(r·h))', () => {
    const [bz, br, bh] = [0.1, 0.0, -0.1];
    // z = σ(wz·x + bz + uz·h);  r = σ(wr·x + br + ur·h);  h̃ = tanh(wh·x + bh + uh·(r·h));  h' = z·h + (1−z)·h̃
    const expected: number[] = [];
    let h = 0;
    for (const xt of x) {
      const z = sigmoid(wz * xt + bz + uz * h);
      const r = sigmoid(wr * xt + br + ur * h);
      const hh = Math.tanh(wh * xt + bh + uh * (r * h));
      h = z * h + (1 - z) * hh;
      expected.push(h);
    }
    const layer = layers.gru({ units: 1, resetAfter: false, returnSequences: true });
    layer.call(tensor([[[0], [0], [0]]]), kernels); // builds for [null, 3, 1]
    layer.setWeights([tensor([[wz, wr, wh]]), tensor([[uz, ur, uh]]), tensor([bz, br, bh])]);
    close(layer.call(tensor([x.map((v) => [v])]), kernels).output.data, expected, 'h');
  });

  it('resetAfter=true: h̃ = tanh(wh·x + bh_in + r·(uh·h + bh_rec)), bias [2, 3]', () => {
    const bIn = [0.1, 0.0, -0.1];
    const bRec = [0.05, -0.2, 0.3];
    const expected: number[] = [];
    let h = 0;
    for (const xt of x) {
      const z = sigmoid(wz * xt + bIn[0] + uz * h + bRec[0]);
      const r = sigmoid(wr * xt + bIn[1] + ur * h + bRec[1]);
      const hh = Math.tanh(wh * xt + bIn[2] + r * (uh * h + bRec[2]));
      h = z * h + (1 - z) * hh;
      expected.push(h);
    }
    const layer = layers.gru({ units: 1, returnSequences: true });
    layer.call(tensor([[[0], [0], [0]]]), kernels); // builds for [null, 3, 1]
    layer.setWeights([tensor([[wz, wr, wh]]), tensor([[uz, ur, uh]]), tensor([bIn, bRec])]);
    close(layer.call(tensor([x.map((v) => [v])]), kernels).output.data, expected, 'h');
  });

  it('hardSigmoid gates', () => {
    const expected: number[] = [];
    let h = 0;
    for (const xt of x) {
      const z = hardSigmoid(wz * xt + uz * h);
      const r = hardSigmoid(wr * xt + ur * h);
      const hh = Math.tanh(wh * xt + r * (uh * h));
      h = z * h + (1 - z) * hh;
      expected.push(h);
    }
    const layer = layers.gru({ units: 1, recurrentActivation: 'hardSigmoid', useBias: false, returnSequences: true });
    layer.call(tensor([[[0], [0], [0]]]), kernels);
    layer.setWeights([tensor([[wz, wr, wh]]), tensor([[uz, ur, uh]])]);
    close(layer.call(tensor([x.map((v) => [v])]), kernels).output.data, expected, 'h');
  });
});

describe('LSTM, one unit, by hand', () => {
  it('hardSigmoid gates, relu activation, final states', () => {
    // kernel [1, 4] = [wi, wf, wc, wo], recurrentKernel [1, 4], bias [4]; blocks i | f | c | o
    const w = [0.4, -0.3, 0.8, 0.6];
    const u = [0.1, 0.5, -0.2, 0.3];
    const b = [0.0, 1.0, 0.1, -0.1];
    // i = hs(wi·x + ui·h + bi) …;  c' = f·c + i·relu(zc);  h' = o·relu(c')
    const relu = (v: number): number => Math.max(0, v);
    const expected: number[] = [];
    let h = 0, c = 0;
    for (const xt of x) {
      const pre = [0, 1, 2, 3].map((g) => w[g] * xt + u[g] * h + b[g]);
      const i = hardSigmoid(pre[0]), f = hardSigmoid(pre[1]), cc = relu(pre[2]), o = hardSigmoid(pre[3]);
      c = f * c + i * cc;
      h = o * relu(c);
      expected.push(h);
    }
    const layer = layers.lstm({ units: 1, activation: 'relu', recurrentActivation: 'hardSigmoid', returnSequences: true });
    layer.call(tensor([[[0], [0], [0]]]), kernels);
    layer.setWeights([tensor([w]), tensor([u]), tensor(b)]);
    const r = layer.call(tensor([x.map((v) => [v])]), kernels);
    close(r.output.data, expected, 'h');
    close(r.states[0].data, [h], 'final h');
    close(r.states[1].data, [c], 'final c');
  });
});
