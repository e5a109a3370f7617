// Saving and loading: a model written by saveModel and read by loadModel predicts exactly as before,
// keeps its configs, and bad files fail with a message naming the problem.
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { layers, loadModel, modelFromJSON, modelToJSON, optimizers, saveModel, Sequential, tensor, type ModelJSON } from '../../src/index.js';

const ids = tensor([[1, 2, 3, 4, 5, 6], [6, 5, 0, 0, 1, 9]], undefined, 'int32');

function trainedModel(): Sequential {
  const model = new Sequential(
    [
      layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      layers.gru({ units: 5, returnSequences: true, resetAfter: false, goBackwards: true }),
      layers.dropout({ rate: 0.1 }),
      layers.lstm({ units: 3, recurrentActivation: 'hardSigmoid', unitForgetBias: false }),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: 5 },
  );
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  model.trainOnBatch(ids, [[1], [0]]); // weights no longer the initial ones
  return model;
}

describe('saveModel / loadModel', () => {
  it('round-trips configs and weights: identical predictions and summary', async () => {
    const model = trainedModel();
    const dir = await mkdtemp(join(tmpdir(), 'recurrent-io-'));
    const path = join(dir, 'model.json');
    await saveModel(model, path, { metadata: { numWords: 10, maxlen: 6 } });
    assert.deepEqual(await readdir(dir), ['model.json'], 'no temporary file left behind');
    const { model: loaded, metadata } = await loadModel(path);
    assert.deepEqual(metadata, { numWords: 10, maxlen: 6 });
    assert.deepEqual(Array.from(loaded.predict(ids).data), Array.from(model.predict(ids).data));
    assert.equal(loaded.summary(false), model.summary(false));
    assert.deepEqual(
      loaded.layers.map((l) => l.getConfig()),
      model.layers.map((l) => l.getConfig()),
    );
    const before = model.getWeights();
    loaded.getWeights().forEach((w, i) => {
      assert.deepEqual(w.shape, before[i].shape);
      assert.deepEqual(Array.from(w.data), Array.from(before[i].data));
    });
  });

  it('modelToJSON / modelFromJSON work without the file system, and a loaded model trains on', () => {
    const model = trainedModel();
    const copy = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(model))) as ModelJSON, { seed: 1 });
    copy.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const [loss] = copy.trainOnBatch(ids, [[1], [0]]);
    assert.ok(Number.isFinite(loss));
  });

  it('keeps the training setup and optimizer state: a loaded model trains on exactly as the saved one would', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recurrent-io-'));
    const setups = [
      optimizers.adam({ learningRate: 0.01 }),
      optimizers.adamw({ clipnorm: 1 }),
      optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }),
      optimizers.rmsprop({ centered: true, momentum: 0.5 }),
    ];
    for (const optimizer of setups) {
      const model = new Sequential(
        [layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }), layers.lstm({ units: 3 }), layers.dense({ units: 1, activation: 'sigmoid' })],
        { seed: 2 },
      );
      model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
      for (let i = 0; i < 3; i++) model.trainOnBatch(ids, [[1], [0]]);
      const path = join(dir, `${optimizer.name}.json`);
      await saveModel(model, path);
      const { model: loaded } = await loadModel(path);
      const setup = loaded.compileOptions;
      assert.ok(setup, `${optimizer.name}: loaded compiled`);
      assert.equal(setup.optimizer.name, optimizer.name);
      assert.deepEqual(setup.optimizer.getConfig(), optimizer.getConfig());
      assert.deepEqual([setup.loss, setup.metrics], ['binaryCrossentropy', ['accuracy']]);
      assert.equal(setup.optimizer.iterations, 3);
      for (let i = 0; i < 2; i++) {
        assert.deepEqual(loaded.trainOnBatch(ids, [[1], [0]]), model.trainOnBatch(ids, [[1], [0]]), `${optimizer.name}: step ${i + 4}`);
      }
      const w = model.getWeights();
      loaded.getWeights().forEach((t, i) => assert.deepEqual(Array.from(t.data), Array.from(w[i].data), `${optimizer.name}: weight ${i} after 5 steps`));
    }
  });

  it('without the optimizer (includeOptimizer: false, or never compiled) a model loads uncompiled', async () => {
    const model = trainedModel();
    assert.equal(modelFromJSON(modelToJSON(model, undefined, { includeOptimizer: false })).compileOptions, null);
    assert.ok(modelFromJSON(modelToJSON(model)).compileOptions);
    const plain = new Sequential([layers.dense({ units: 2, inputShape: [3] })]);
    assert.equal(modelFromJSON(modelToJSON(plain)).compileOptions, null);
  });

  it('an unbuilt model cannot be saved', () => {
    assert.throws(() => modelToJSON(new Sequential([layers.lstm({ units: 2 })])), /only a built model can be saved/);
  });

  it('bad files name the problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'recurrent-io-'));
    const notJson = join(dir, 'a.json');
    await writeFile(notJson, '{ truncated');
    await assert.rejects(loadModel(notJson), /cannot read .*a\.json/);
    await assert.rejects(loadModel(join(dir, 'missing.json')), /cannot read .*missing\.json/);
    const other = join(dir, 'b.json');
    await writeFile(other, JSON.stringify({ format: 'keras' }));
    await assert.rejects(loadModel(other), /not a recurrent model file/);
    const good = join(dir, 'c.json');
    await saveModel(trainedModel(), good);
    const json = JSON.parse(await readFile(good, 'utf8')) as ModelJSON;
    json.weights[0].data = json.weights[0].data.slice(0, 8);
    await writeFile(good, JSON.stringify(json));
    await assert.rejects(loadModel(good), /weight embedding\/embeddings: expected 40 float32 values/);
  });
});
