// Sequential: building from inputShape, Keras parameter counts, validation
// split, callbacks, time-distributed Dense, dropout modes, batched predict.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { layers, optimizers, Random, Sequential, tensor, type Logs, type Tensor } from '../../src/index.js';
import { randomArray } from '../helpers/gradcheck.js';

const randomTensor = (seed: number, shape: number[], scale = 1): Tensor => tensor(randomArray(new Random(seed), shape.reduce((a, b) => a * b, 1), scale), shape);
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

describe('building', () => {
  it('inputShape builds at construction with Keras weight shapes', () => {
    const model = new Sequential([layers.embedding({ inputDim: 5000, outputDim: 32, inputShape: [20] }), layers.lstm({ units: 16 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
    assert.ok(model.built);
    assert.deepEqual(model.getWeights().map((w) => w.shape), [[5000, 32], [32, 64], [16, 64], [64], [16, 1], [1]]);
    const gru = new Sequential([layers.gru({ units: 8, inputShape: [null, 3] })], { seed: 1 });
    assert.deepEqual(gru.getWeights().map((w) => w.shape), [[3, 24], [8, 24], [2, 24]], 'time axis may be unknown');
    const rnn = new Sequential([layers.simpleRNN({ units: 4, batchInputShape: [2, 5, 3] })], { seed: 1 });
    assert.deepEqual(rnn.getWeights().map((w) => w.shape), [[3, 4], [4, 4], [4]]);
  });

  it('without inputShape the model builds on first use; summary before that explains why it cannot', () => {
    const model = new Sequential([layers.lstm({ units: 2 }), layers.dense({ units: 1 })], { seed: 1 });
    assert.ok(!model.built);
    assert.deepEqual(model.getWeights(), []);
    assert.throws(() => model.summary(false), /summary\(\) needs a built model \(give the first layer an inputShape/);
    const y = model.predict(randomTensor(1, [3, 4, 5]));
    assert.deepEqual(y.shape, [3, 1]);
    assert.deepEqual(model.getWeights().map((w) => w.shape), [[5, 8], [2, 8], [8], [2, 1], [1]]);
  });

  it('layers added after construction are built and get unique names', () => {
    const model = new Sequential([layers.dense({ units: 4, inputShape: [3] })], { seed: 1 });
    model.add(layers.dense({ units: 2 }));
    model.add(layers.dense({ units: 1 }));
    assert.deepEqual(model.layers.map((l) => l.name), ['dense', 'dense_1', 'dense_2']);
    assert.equal(model.countParams(), 3 * 4 + 4 + 4 * 2 + 2 + 2 + 1);
    assert.deepEqual(model.predict([[1, 2, 3]]).shape, [1, 1]);
  });
});

describe('parameter counts match Keras', () => {
  it('Embedding(5000, 32) → LSTM(32) → Dense(1): 160000 + 8320 + 33', () => {
    const model = new Sequential([layers.embedding({ inputDim: 5000, outputDim: 32, inputLength: 500 }), layers.lstm({ units: 32 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
    assert.deepEqual(model.layers.map((l) => l.countParams()), [5000 * 32, 4 * (32 * 32 + 32 * 32 + 32), 32 + 1]);
    assert.deepEqual(model.layers.map((l) => l.countParams()), [160000, 8320, 33]);
    assert.equal(model.countParams(), 168353);
    const text = model.summary(false);
    assert.match(text, /embedding \(Embedding\)\s+\(None, 500, 32\)\s+160,000/);
    assert.match(text, /lstm \(LSTM\)\s+\(None, 32\)\s+8,320/);
    assert.match(text, /dense \(Dense\)\s+\(None, 1\)\s+33/);
    assert.match(text, /Total params: 168,353/);
    assert.match(text, /Trainable params: 168,353/);
    assert.match(text, /Non-trainable params: 0/);
  });

  it('GRU(32) on 32 features: 3·(32·32 + 32·32 + 2·32) with resetAfter, 3·(… + 32) without', () => {
    const a = new Sequential([layers.gru({ units: 32, inputShape: [10, 32] })]);
    assert.equal(a.countParams(), 3 * (32 * 32 + 32 * 32 + 2 * 32));
    assert.equal(a.countParams(), 6336);
    const b = new Sequential([layers.gru({ units: 32, inputShape: [10, 32], resetAfter: false })]);
    assert.equal(b.countParams(), 6240);
  });

  it('SimpleRNN, stacked returnSequences, time-distributed Dense, no-bias, frozen layers', () => {
    const model = new Sequential([
      layers.simpleRNN({ units: 32, returnSequences: true, inputShape: [10, 32] }),
      layers.lstm({ units: 8, returnSequences: true, useBias: false }),
      layers.dense({ units: 3, trainable: false }),
    ]);
    assert.deepEqual(model.layers.map((l) => l.countParams()), [2080, 4 * (32 * 8 + 8 * 8), 8 * 3 + 3]);
    const text = model.summary(false);
    assert.match(text, /simple_rnn \(SimpleRNN\)\s+\(None, 10, 32\)\s+2,080/);
    assert.match(text, /dense \(Dense\)\s+\(None, 10, 3\)\s+27/);
    assert.match(text, /Total params: 3,387/);
    assert.match(text, /Trainable params: 3,360/);
    assert.match(text, /Non-trainable params: 27/);
  });
});

describe('frozen Embedding', () => {
  // V < B·T: the fused kernels project the table; V ≥ B·T: they gather its rows
  for (const V of [20, 100]) {
    it(`V=${V}: trainable: false keeps the table and its gradient at zero; the other layers step as with a trainable table`, () => {
      const build = (trainable: boolean): Sequential => {
        const m = new Sequential([layers.embedding({ inputDim: V, outputDim: 5, inputLength: 6, trainable }), layers.lstm({ units: 4 }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed: 8 });
        m.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
        return m;
      };
      const frozen = build(false);
      const trained = build(true);
      const x = tensor(Int32Array.from({ length: 24 }, (_, i) => (i * 7 + 3) % V), [4, 6], 'int32');
      const y = tensor([[0], [1], [1], [0]]);
      const table0 = frozen.getWeights()[0].data.slice();
      frozen.trainOnBatch(x, y);
      trained.trainOnBatch(x, y);
      const [wf, wt] = [frozen.getWeights(), trained.getWeights()];
      assert.deepEqual(wf[0].data, table0, 'the frozen table did not move');
      assert.ok(frozen.layers[0].params[0].grad.every((g) => g === 0), 'no gradient was computed for the frozen table');
      assert.ok(wt[0].data.some((v, i) => v !== table0[i]), 'the trainable table did move');
      for (let k = 1; k < wf.length; k++) wf[k].data.forEach((v, i) => assert.ok(Math.abs(v - wt[k].data[i]) < 1e-7, `weight ${k}[${i}]: ${v} vs ${wt[k].data[i]}`));
    });
  }
});

describe('fit', () => {
  function smallModel(seed = 3): Sequential {
    const m = new Sequential([layers.gru({ units: 4, inputShape: [5, 2] }), layers.dense({ units: 1, activation: 'sigmoid' })], { seed });
    m.compile({ optimizer: optimizers.adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    return m;
  }
  const n = 20;
  const x = randomTensor(5, [n, 5, 2]);
  const y = tensor(Array.from({ length: n }, (_, i) => [(i * 7) % 3 === 0 ? 1 : 0]));

  it('validationSplit holds out the last fraction, before shuffling; val_loss is computed on exactly those rows', async () => {
    const model = smallModel();
    const xVal = tensor(x.data.slice(15 * 10), [5, 5, 2]);
    const yVal = tensor(y.data.slice(15), [5, 1]);
    const seen: { epoch: number; logged: Logs; recomputed: number[] }[] = [];
    let trainRows = 0;
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      validationSplit: 0.25,
      verbose: 0,
      callbacks: [
        { onBatchBegin: (_b, logs) => void (trainRows += logs.size) },
        { onEpochEnd: async (epoch, logs) => void seen.push({ epoch, logged: { ...logs }, recomputed: await model.evaluate(xVal, yVal) }) },
      ],
    });
    assert.equal(trainRows, 3 * 15, 'each epoch trains on the first 15 rows only');
    assert.equal(seen.length, 3);
    for (const s of seen) {
      assert.ok(Math.abs(s.logged.val_loss - s.recomputed[0]) < 1e-6, `epoch ${s.epoch}: val_loss ${s.logged.val_loss} vs evaluate on the last 5 rows ${s.recomputed[0]}`);
      assert.ok(Math.abs(s.logged.val_accuracy - s.recomputed[1]) < 1e-9);
    }
    assert.deepEqual(history.history.val_loss, seen.map((s) => s.logged.val_loss));
    // the held-out rows are never trained on: NaN targets there do not break fit
    const yPoisoned = tensor(Float32Array.from(y.data, (v, i) => (i >= 15 ? NaN : v)), [n, 1]);
    const h2 = await smallModel().fit(x, yPoisoned, { epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 0 });
    assert.ok(h2.history.loss.every(Number.isFinite));
    assert.ok(h2.history.val_loss.every(Number.isNaN));
  });

  it('validationData is evaluated in inference mode with the same numbers as evaluate()', async () => {
    const model = smallModel();
    const xv = randomTensor(9, [6, 5, 2]);
    const yv = tensor([[1], [0], [1], [1], [0], [0]]);
    let last: Logs = {};
    await model.fit(x, y, { epochs: 2, batchSize: 8, validationData: [xv, yv], verbose: 0, callbacks: [{ onEpochEnd: (_e, logs) => void (last = { ...logs }) }] });
    const [loss, acc] = await model.evaluate(xv, yv);
    assert.ok(Math.abs(last.val_loss - loss) < 1e-6);
    assert.equal(last.val_accuracy, acc);
  });

  it('callbacks run in Keras order with the documented logs', async () => {
    const model = smallModel();
    const events: string[] = [];
    const epochLogs: Logs[] = [];
    const batchLogs: Logs[] = [];
    await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.2,
      verbose: 0,
      callbacks: [
        {
          onTrainBegin: () => void events.push('trainBegin'),
          onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
          onBatchBegin: (b, logs) => void events.push(`batchBegin ${b} size ${logs.size}`),
          onBatchEnd: (b, logs) => void (events.push(`batchEnd ${b}`), batchLogs.push({ ...logs })),
          onEpochEnd: (e, logs) => void (events.push(`epochEnd ${e}`), epochLogs.push({ ...logs })),
          onTrainEnd: () => void events.push('trainEnd'),
        },
        { onEpochEnd: (e) => void events.push(`second epochEnd ${e}`) },
      ],
    });
    const epoch = (e: number): string[] => [`epochBegin ${e}`, 'batchBegin 0 size 8', 'batchEnd 0', 'batchBegin 1 size 8', 'batchEnd 1', `epochEnd ${e}`, `second epochEnd ${e}`];
    assert.deepEqual(events, ['trainBegin', ...epoch(0), ...epoch(1), 'trainEnd']);
    assert.deepEqual(Object.keys(epochLogs[0]).sort(), ['accuracy', 'loss', 'val_accuracy', 'val_loss']);
    assert.deepEqual(Object.keys(batchLogs[0]).sort(), ['accuracy', 'batch', 'loss', 'size']);
    // epoch loss = sample-weighted mean of the batch losses: the running mean after the last batch
    assert.equal(epochLogs[0].loss, batchLogs[1].loss);
    for (const l of epochLogs) assert.ok(l.accuracy >= 0 && l.accuracy <= 1 && l.loss > 0);
  });

  it('a callback can stop training (model.stopTraining) and history records only finished epochs', async () => {
    const model = smallModel();
    const history = await model.fit(x, y, { epochs: 10, batchSize: 8, verbose: 0, callbacks: [{ onEpochEnd: (e) => void (model.stopTraining = e === 1) }] });
    assert.deepEqual(history.epoch, [0, 1]);
    assert.equal(history.history.loss.length, 2);
  });

  it('trainOnBatch returns [loss, ...metrics] and evaluate agrees on the loss before the update', async () => {
    const model = smallModel();
    const [before] = await model.evaluate(x, y);
    const [loss, acc] = model.trainOnBatch(x, y);
    assert.ok(Math.abs(loss - before) < 1e-6, `trainOnBatch loss ${loss} vs evaluate ${before}`);
    assert.ok(acc >= 0 && acc <= 1);
    const [after] = await model.evaluate(x, y);
    assert.ok(after < before, 'one Adam step on the full batch lowers the loss');
  });
});

describe('layers inside the model', () => {
  it('dense on 3-D input gives [B, T, U], equal to applying it row by row', () => {
    const model = new Sequential([layers.dense({ units: 3, activation: 'tanh', inputShape: [4, 2] })], { seed: 1 });
    const x = randomTensor(2, [2, 4, 2]);
    const y = model.predict(x);
    assert.deepEqual(y.shape, [2, 4, 3]);
    const [k, b] = model.getWeights();
    for (let r = 0; r < 8; r++) {
      for (let u = 0; u < 3; u++) {
        const want = Math.tanh(x.data[r * 2] * k.data[u] + x.data[r * 2 + 1] * k.data[3 + u] + b.data[u]);
        assert.ok(Math.abs(y.data[r * 3 + u] - want) < 1e-6);
      }
    }
  });

  it('dropout / recurrentDropout: inference deterministic and identical to the model without dropout; training differs', () => {
    const build = (dropout: boolean): Sequential =>
      new Sequential([
        layers.lstm({ units: 6, returnSequences: true, inputShape: [5, 4], ...(dropout ? { dropout: 0.4, recurrentDropout: 0.4 } : {}) }),
        ...(dropout ? [layers.dropout({ rate: 0.5 })] : []),
        layers.gru({ units: 3, ...(dropout ? { dropout: 0.3, recurrentDropout: 0.3 } : {}) }),
        layers.dense({ units: 2 }),
      ], { seed: 9 });
    const withDropout = build(true);
    const plain = build(false);
    plain.setWeights(withDropout.getWeights());
    const x = randomTensor(4, [3, 5, 4]);
    const p1 = withDropout.predict(x).data;
    const p2 = withDropout.predict(x).data;
    assert.deepEqual(p1, p2, 'inference is deterministic');
    assert.deepEqual(p1, plain.predict(x).data, 'inference ignores dropout');
    const t1 = withDropout.forward(x, true).data;
    const t2 = withDropout.forward(x, true).data;
    assert.ok(maxDiff(t1, p1) > 1e-3, 'training forward differs from inference');
    assert.ok(maxDiff(t1, t2) > 1e-3, 'a fresh mask per training batch');
  });

  it('recurrentDropout alone also changes training outputs only', () => {
    const model = new Sequential([layers.simpleRNN({ units: 8, recurrentDropout: 0.5, inputShape: [6, 3] })], { seed: 2 });
    const x = randomTensor(3, [2, 6, 3]);
    const inf = model.predict(x).data;
    assert.deepEqual(inf, model.forward(x, false).data);
    assert.ok(maxDiff(model.forward(x, true).data, inf) > 1e-3);
  });

  it('predict with batchSize smaller than n equals predict all at once', () => {
    for (const returnSequences of [false, true]) {
      const model = new Sequential([layers.embedding({ inputDim: 20, outputDim: 3, inputLength: 4 }), layers.gru({ units: 5, returnSequences }), layers.dense({ units: 2, activation: 'softmax' })], { seed: 4 });
      const rng = new Random(8);
      const x = tensor(Int32Array.from({ length: 10 * 4 }, () => rng.int(20)), [10, 4], 'int32');
      const all = model.predict(x, { batchSize: 32 });
      for (const bs of [1, 3, 4, 10]) {
        const part = model.predict(x, { batchSize: bs });
        assert.deepEqual(part.shape, all.shape);
        assert.ok(maxDiff(part.data, all.data) < 1e-6, `batchSize ${bs}`);
      }
      assert.deepEqual(all.shape, returnSequences ? [10, 4, 2] : [10, 2]);
    }
  });

  it('goBackwards reverses the processing order (last output of a backwards layer = first of a reversed input)', () => {
    const fwd = new Sequential([layers.lstm({ units: 3, inputShape: [5, 2] })], { seed: 6 });
    const bwd = new Sequential([layers.lstm({ units: 3, goBackwards: true, inputShape: [5, 2] })], { seed: 6 });
    bwd.setWeights(fwd.getWeights());
    const x = randomTensor(7, [2, 5, 2]);
    const rev = new Float32Array(x.size);
    for (let b = 0; b < 2; b++) for (let t = 0; t < 5; t++) rev.set(x.data.subarray((b * 5 + t) * 2, (b * 5 + t + 1) * 2), (b * 5 + 4 - t) * 2);
    assert.ok(maxDiff(bwd.predict(x).data, fwd.predict(tensor(rev, [2, 5, 2])).data) < 1e-6);
    assert.ok(maxDiff(bwd.predict(x).data, fwd.predict(x).data) > 1e-3);
  });
});
