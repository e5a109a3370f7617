// Layer-level PyTorch goldens: the same fixtures as the kernel suite
// (test/fixtures/rnn, float64 PyTorch, Keras weight layout), but going through
// the public layer API — layers.simpleRNN/lstm/gru with returnSequences /
// goBackwards / inputShape inside a Sequential, setWeights, predict — and
// layer.call(x, kernels, { initialState }) for the final states.
//
// Then gradient checks through the model: parameter gradients produced by
// trainOnBatch (read from Param.grad after the step) against central
// differences of the model's own loss (model.scoreBatch on an inference forward).
// The backend comes from RECURRENT_BACKEND (models use resolveBackend by default).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, optimizers, resolveBackend, Sequential, Tensor, tensor } from '../../src/index.js';
import { RecurrentLayer } from '../../src/layers/recurrent.js';
import { Random } from '../../src/random.js';
import { assertClose, loadFixtures, type RnnFixture } from '../kernels/golden-suite.js';
import { randomArray } from '../helpers/gradcheck.js';


const rnnFixtures = loadFixtures()
  .filter(({ fixture }) => fixture.kind === 'simpleRNN' || fixture.kind === 'lstm' || fixture.kind === 'gru')
  .map(({ name, fixture }) => ({ name, fx: fixture as unknown as RnnFixture }));

function makeLayer(fx: RnnFixture, returnSequences: boolean): RecurrentLayer {
  const options = { units: fx.H, returnSequences, goBackwards: fx.goBackwards, inputShape: [fx.T, fx.D] };
  switch (fx.kind) {
    case 'simpleRNN':
      return layers.simpleRNN({ ...options, activation: fx.activation });
    case 'lstm':
      return layers.lstm(options);
    case 'gru':
      return layers.gru(options); // resetAfter defaults to true, as the fixtures
  }
}

function fixtureWeights(fx: RnnFixture): Tensor[] {
  const GH = fx.kind === 'lstm' ? 4 * fx.H : fx.kind === 'gru' ? 3 * fx.H : fx.H;
  return [
    tensor(Float32Array.from(fx.kernel), [fx.D, GH]),
    tensor(Float32Array.from(fx.recurrentKernel), [fx.H, GH]),
    tensor(Float32Array.from(fx.bias), fx.biasShape),
  ];
}

const xOf = (fx: RnnFixture): Tensor => tensor(Float32Array.from(fx.x), [fx.B, fx.T, fx.D]);

describe('layer goldens vs PyTorch (Sequential + setWeights + predict)', () => {
  it('fixtures are present', () => assert.ok(rnnFixtures.length >= 32, `found ${rnnFixtures.length}`));
  for (const { name, fx } of rnnFixtures.filter(({ fx }) => fx.h0 === null)) {
    it(name, () => {
      for (const returnSequences of [true, false]) {
        const model = new Sequential([makeLayer(fx, returnSequences)], { seed: 1 });
        // Built at construction from inputShape: Keras shapes before any call.
        assert.deepEqual(model.getWeights().map((w) => w.shape), fixtureWeights(fx).map((w) => w.shape));
        model.setWeights(fixtureWeights(fx));
        const y = model.predict(xOf(fx));
        if (returnSequences) {
          assert.deepEqual(y.shape, [fx.B, fx.T, fx.H]);
          assertClose(name, 'output (returnSequences)', y.data, fx.output);
        } else {
          assert.deepEqual(y.shape, [fx.B, fx.H]);
          assertClose(name, 'output (last step)', y.data, fx.hLast);
        }
      }
    });
  }
});

describe('layer.call with initialState returns final states', () => {
  const kernels = resolveBackend();
  for (const { name, fx } of rnnFixtures) {
    it(name, () => {
      const layer = makeLayer(fx, true);
      layer.build([null, fx.T, fx.D], new Random(0));
      layer.setWeights(fixtureWeights(fx));
      const initialState = fx.h0 === null ? undefined : [tensor(Float32Array.from(fx.h0), [fx.B, fx.H]), ...(fx.kind === 'lstm' ? [tensor(Float32Array.from(fx.c0!), [fx.B, fx.H])] : [])];
      const { output, states } = layer.call(xOf(fx), kernels, { initialState });
      assertClose(name, 'output', output.data, fx.output);
      assert.equal(states.length, fx.kind === 'lstm' ? 2 : 1, 'number of states');
      assert.deepEqual(states[0].shape, [fx.B, fx.H]);
      assertClose(name, 'hLast', states[0].data, fx.hLast);
      if (fx.kind === 'lstm') assertClose(name, 'cLast', states[1].data, fx.cLast!);
    });
  }
  it('initialState with the wrong count or shape is rejected', () => {
    const layer = layers.lstm({ units: 3 });
    const x = tensor(new Float32Array(2 * 4 * 5), [2, 4, 5]);
    assert.throws(() => layer.call(x, kernels, { initialState: [tensor(new Float32Array(6), [2, 3])] }), /initialState needs 2 tensor\(s\) of shape \[2, 3\], got 1/);
    assert.throws(() => layer.call(x, kernels, { initialState: [tensor(new Float32Array(6), [3, 2]), tensor(new Float32Array(6), [2, 3])] }), /initial state has shape \[3, 2\], expected \[2, 3\]/);
  });
  it('a nonzero initial state changes the output (states are actually used)', () => {
    const layer = layers.gru({ units: 3 });
    const x = tensor(randomArray(new Random(1), 2 * 4 * 5), [2, 4, 5]);
    const a = layer.call(x, kernels).states[0].data;
    const b = layer.call(x, kernels, { initialState: [tensor(new Float32Array(6).fill(0.5), [2, 3])] }).states[0].data;
    assert.notDeepEqual(Array.from(a), Array.from(b));
  });
});

/**
 * Gradient check through a compiled model: the analytic gradient is what
 * trainOnBatch leaves in each Param.grad (the optimizer reads but does not
 * clear them); weights are restored afterwards and every parameter tensor is
 * probed with central differences of the model's loss in inference mode.
 */
function modelGradCheck(model: Sequential, x: Tensor, y: Tensor): void {
  const before = model.getWeights();
  model.trainOnBatch(x, y);
  const params = model.layers.flatMap((l) => l.params);
  const grads = params.map((p) => p.grad.slice());
  model.setWeights(before);
  const loss = (): number => model.scoreBatch(model.forward(x, false), y, false).loss;
  const rng = new Random(11);
  const eps = 1e-2;
  params.forEach((p, i) => {
    const g = grads[i];
    const gmax = g.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    assert.ok(gmax > 1e-4, `${p.name}: gradient is (almost) all zero: max |g| = ${gmax}`);
    // Probe the largest entry plus random ones. Tolerance: 2% relative, plus 1% of the tensor's
    // largest gradient and a floor for float32 noise in the loss (~1e-6 / 2eps).
    const idx = [g.indexOf(gmax) >= 0 ? g.indexOf(gmax) : g.indexOf(-gmax), ...Array.from({ length: 8 }, () => rng.int(g.length))];
    for (const j of idx) {
      const orig = p.value[j];
      p.value[j] = orig + eps;
      const up = loss();
      p.value[j] = orig - eps;
      const down = loss();
      p.value[j] = orig;
      const numeric = (up - down) / (2 * eps);
      const err = Math.abs(numeric - g[j]);
      assert.ok(err <= 2e-2 * Math.max(Math.abs(numeric), Math.abs(g[j])) + 1e-2 * gmax + 5e-5, `${p.name}[${j}]: trainOnBatch gradient ${g[j]} vs numeric ${numeric}`);
    }
  });
}

describe('parameter gradients through the model (trainOnBatch vs finite differences)', () => {
  it('embedding → lstm → dense(sigmoid) with binaryCrossentropy (fused logits path)', () => {
    const rng = new Random(4);
    const model = new Sequential([layers.embedding({ inputDim: 7, outputDim: 4, inputLength: 5 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 3 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e-3 }), loss: 'binaryCrossentropy' });
    // random weights of a useful size, so that no gate saturates and gradients are O(0.1)
    model.setWeights(model.getWeights().map((w) => tensor(randomArray(rng, w.size, 1.2), w.shape)));
    const x = tensor(Int32Array.from({ length: 4 * 5 }, () => rng.int(7)), [4, 5], 'int32');
    const y = tensor([[1], [0], [1], [0]]);
    modelGradCheck(model, x, y);
  });
  it('gru(goBackwards) → dense(softmax) with sparseCategoricalCrossentropy', () => {
    const rng = new Random(5);
    const model = new Sequential([layers.gru({ units: 4, goBackwards: true, inputShape: [6, 3] }), layers.dense({ units: 3, activation: 'softmax' })], { seed: 3 });
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    model.setWeights(model.getWeights().map((w) => tensor(randomArray(rng, w.size, 0.6), w.shape)));
    const x = tensor(randomArray(rng, 3 * 6 * 3, 1), [3, 6, 3]);
    modelGradCheck(model, x, tensor([0, 2, 1]));
  });
  it('simpleRNN(returnSequences) → time-distributed dense with mse on [B, T, 1]', () => {
    const rng = new Random(6);
    const model = new Sequential([layers.simpleRNN({ units: 4, returnSequences: true, inputShape: [5, 2] }), layers.dense({ units: 1 })], { seed: 3 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e-3 }), loss: 'mse' });
    model.setWeights(model.getWeights().map((w) => tensor(randomArray(rng, w.size, 0.6), w.shape)));
    const x = tensor(randomArray(rng, 3 * 5 * 2, 1), [3, 5, 2]);
    const y = tensor(randomArray(rng, 3 * 5, 1), [3, 5, 1]);
    const yPred = model.predict(x);
    assert.deepEqual(yPred.shape, [3, 5, 1]);
    modelGradCheck(model, x, y);
  });
  it('stacked lstm(returnSequences) → lstm → dense(linear) with huber', () => {
    const rng = new Random(7);
    const model = new Sequential([layers.lstm({ units: 3, returnSequences: true, inputShape: [4, 2] }), layers.lstm({ units: 2 }), layers.dense({ units: 2 })], { seed: 3 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 1e-3 }), loss: 'huber' });
    model.setWeights(model.getWeights().map((w) => tensor(randomArray(rng, w.size, 0.8), w.shape)));
    const x = tensor(randomArray(rng, 3 * 4 * 2, 1), [3, 4, 2]);
    const y = tensor(randomArray(rng, 3 * 2, 0.3), [3, 2]); // |d| stays below δ = 1: no kink
    modelGradCheck(model, x, y);
  });
  it('the SGD step applied exactly w − lr·grad', () => {
    const model = new Sequential([layers.dense({ units: 2, inputShape: [3] })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.1 }), loss: 'mse' });
    const before = model.getWeights();
    model.trainOnBatch([[1, 2, 3]], [[1, -1]]);
    const after = model.getWeights();
    const params = model.layers[0].params;
    params.forEach((p, i) => {
      for (let j = 0; j < p.value.length; j++) {
        assert.ok(Math.abs(after[i].data[j] - (before[i].data[j] - 0.1 * p.grad[j])) < 1e-6, `${p.name}[${j}]`);
      }
    });
    // mse gradient by hand: d/dW = x ⊗ (2(y−t)/2)
    const pred = Array.from({ length: 2 }, (_, u) => [1, 2, 3].reduce((s, xi, d) => s + xi * before[0].data[d * 2 + u], 0));
    const dPre = [pred[0] - 1, pred[1] + 1];
    assert.ok(Math.abs(params[1].grad[0] - dPre[0]) < 1e-5 && Math.abs(params[1].grad[1] - dPre[1]) < 1e-5, 'bias gradient');
  });
});
