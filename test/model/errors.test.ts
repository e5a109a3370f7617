// Clear errors: each mistake a user is likely to make gets a message that
// says what is wrong and what to change. Each test asserts on the message.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, NonFiniteLossError, optimizers, Sequential, tensor } from '../../src/index.js';
import type { LossName } from '../../src/losses/losses.js';

const ids = (rows: number[][]): ReturnType<typeof tensor> => tensor(rows, undefined, 'int32');

describe('clear errors', () => {
  it('returnSequences: true then dense(1) against [batch] labels points at returnSequences: false', async () => {
    const model = new Sequential([layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 4 }), layers.lstm({ units: 2, returnSequences: true, name: 'my_lstm' }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const x = ids([[1, 2, 3, 4], [4, 3, 2, 1]]);
    await assert.rejects(model.fit(x, [1, 0], { verbose: 0 }), (e: Error) => {
      assert.match(e.message, /target shape \[2\] does not match model output shape \[2, 4, 1\]/);
      assert.match(e.message, /"my_lstm" has returnSequences: true/);
      assert.match(e.message, /returnSequences: false/);
      return true;
    });
    assert.throws(() => model.trainOnBatch(x, [[1], [0]]), /returnSequences: false/);
    await assert.rejects(model.evaluate(x, [1, 0]), /returnSequences: false/);
  });

  it('fit / evaluate / trainOnBatch before compile', async () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { name: 'net' });
    await assert.rejects(model.fit([[1, 2]], [[1]], { verbose: 0 }), /net: call model\.compile\(\{ optimizer, loss \}\) before fit\(\)/);
    await assert.rejects(model.evaluate([[1, 2]], [[1]]), /call model\.compile.*before evaluate\(\)/);
    assert.throws(() => model.trainOnBatch([[1, 2]], [[1]]), /call model\.compile.*before training/);
    // predict needs no compile
    assert.deepEqual(model.predict([[1, 2]]).shape, [1, 1]);
  });

  it('rank-2 input to an LSTM names the layer and the shape (model built on first call)', () => {
    const model = new Sequential([layers.lstm({ units: 3, name: 'encoder' })]);
    assert.throws(() => model.predict([[1, 2, 3], [4, 5, 6]]), (e: Error) => {
      assert.match(e.message, /encoder \(LSTM\): expected input of rank 3, got shape \[null, 3\]/);
      assert.match(e.message, /\[batch, time, features\]/);
      return true;
    });
  });

  it('rank-2 input to an LSTM declared with inputShape names the layer and both shapes', () => {
    const model = new Sequential([layers.lstm({ units: 3, inputShape: [5, 3], name: 'encoder' })]);
    assert.throws(() => model.predict([[1, 2, 3], [4, 5, 6]]), (e: Error) => {
      assert.match(e.message, /input shape \[2, 3\] does not match the model's input shape \[null, 5, 3\]/);
      assert.match(e.message, /encoder/, 'names the first layer');
      return true;
    });
  });

  it('LSTM fed token ids without an embedding says to add one', () => {
    const model = new Sequential([layers.lstm({ units: 3 })]);
    assert.throws(() => model.predict(ids([[1, 2, 3]])), /add an embedding layer/);
  });

  it('token id out of range names the id, its position and inputDim', () => {
    const model = new Sequential([layers.embedding({ inputDim: 10, outputDim: 2, inputLength: 3 }), layers.lstm({ units: 2 })]);
    assert.throws(() => model.predict(ids([[1, 2, 3], [4, 12, 6]])), /token id 12 at position \[1, 1\] is outside \[0, 10\); inputDim is 10/);
    assert.throws(() => model.predict(ids([[1, 2, -1], [4, 5, 6]])), /token id -1 at position \[0, 2\]/);
    assert.throws(() => model.predict([[1, 2, 3.5]]), /token id 3\.5 at position \[0, 2\] is not an integer/);
  });

  it('NaN in the inputs: fit throws NonFiniteLossError naming epoch and batch, with the history so far', async () => {
    const model = new Sequential([layers.lstm({ units: 2, inputShape: [3, 1] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 2 });
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const x = Array.from({ length: 8 }, (_, i) => [[i / 8], [0.5], [i === 6 ? NaN : 0.1]]);
    const y = Array.from({ length: 8 }, (_, i) => [i % 2]);
    const before = model.getWeights().flatMap((w) => Array.from(w.data));
    await assert.rejects(model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 }), (e: unknown) => {
      assert.ok(e instanceof NonFiniteLossError, `got ${String(e)}`);
      assert.match(e.message, /loss became NaN at epoch 1, batch 4 of 4/);
      assert.match(e.message, /NaN\/Infinity/);
      assert.equal(e.history.epoch.length, 0);
      return true;
    });
    const after = model.getWeights().flatMap((w) => Array.from(w.data));
    assert.ok(after.every(Number.isFinite), 'no update was applied with the NaN gradient');
    assert.notDeepEqual(after, before, 'the three good batches did update');
    assert.throws(() => model.trainOnBatch([x[6]], [y[6]]), /trainOnBatch: loss is NaN/);
  });

  it('NaN appearing in epoch 2 is reported as epoch 2 and history keeps epoch 1', async () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [1] })], { seed: 2 });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    let epochs = 0;
    const poison = { onEpochEnd: (): void => void (epochs++, model.layers[0].params[0].value.fill(NaN)) };
    await assert.rejects(model.fit([[1], [2]], [[1], [2]], { epochs: 3, batchSize: 1, verbose: 0, callbacks: [poison] }), (e: unknown) => {
      assert.ok(e instanceof NonFiniteLossError);
      assert.match(e.message, /epoch 2, batch 1 of 2/);
      assert.deepEqual(e.history.epoch, [0]);
      return true;
    });
    assert.equal(epochs, 1);
  });

  it('setWeights with a wrong count or shape names the layer, weight and shapes', () => {
    const model = new Sequential([layers.lstm({ units: 3, inputShape: [5, 2], name: 'rnn' })]);
    const w = model.getWeights();
    assert.throws(() => model.setWeights([w[0], w[1]]), /setWeights got 2 arrays, the model has 3/);
    assert.throws(() => model.setWeights([w[0], tensor(new Float32Array(36), [12, 3]), w[2]]), /rnn: weight 1 \(rnn\/recurrent_kernel\) has shape \[12, 3\], expected \[3, 12\]/);
    assert.throws(() => model.layers[0].setWeights([w[0]]), /rnn: setWeights got 1 arrays, expected 3 \(\[2, 12\], \[3, 12\], \[12\]\)/);
    assert.throws(() => new Sequential([layers.dense({ units: 1 })]).setWeights([]), /setWeights needs a built model/);
  });

  it('unknown optimizer, loss and metric names', () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })]);
    assert.throws(() => model.compile({ optimizer: 'adagrad' as 'adam', loss: 'mse' }), /unknown optimizer "adagrad" \(expected sgd, adam, adamw or rmsprop/);
    assert.throws(() => model.compile({ optimizer: 'adam', loss: 'cross_entropy' as LossName }), /unknown loss "cross_entropy"/);
    assert.throws(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['f1'] }), /unknown metric "f1" \(expected accuracy/);
  });

  it('Keras snake_case aliases are accepted', () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd(), loss: 'binary_crossentropy', metrics: ['acc', 'binary_accuracy'] });
    assert.deepEqual(model.metricKeys, ['accuracy', 'binary_accuracy']);
  });

  it('targets and inputs with different sample counts', async () => {
    const model = new Sequential([layers.dense({ units: 1, inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    await assert.rejects(model.fit([[1, 2], [3, 4]], [[1]], { verbose: 0 }), /fit: 2 inputs but 1 targets/);
    await assert.rejects(model.fit([[1, 2]], [[1]], { verbose: 0, batchSize: 0 }), /batchSize must be a positive integer, got 0/);
    await assert.rejects(model.fit([[1, 2]], [[1]], { verbose: 0, validationSplit: 1 }), /validationSplit must be in \[0, 1\)/);
  });

  it('categoricalCrossentropy with class-index targets suggests the sparse loss', () => {
    const model = new Sequential([layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })], { seed: 1 });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    assert.throws(() => model.trainOnBatch([[1, 2], [3, 4]], [0, 2]), /use loss "sparseCategoricalCrossentropy", or one-hot encode them/);
  });

  it('returnState layers are refused inside a Sequential', () => {
    assert.throws(() => new Sequential([layers.gru({ units: 2, returnState: true, inputShape: [3, 1] })]), /returnState layers .* cannot be used inside a Sequential/);
  });

  it('invalid layer options', () => {
    assert.throws(() => layers.lstm({ units: 0 }), /lstm: units must be a positive integer, got 0/);
    assert.throws(() => layers.dropout({ rate: 1 }), /dropout: rate must be in \[0, 1\), got 1/);
    assert.throws(() => layers.gru({ units: 2, recurrentDropout: -0.1 }), /gru: recurrentDropout must be in \[0, 1\)/);
    assert.throws(() => layers.embedding({ inputDim: 0, outputDim: 2 }), /inputDim must be a positive integer/);
  });
});
