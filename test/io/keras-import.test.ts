// loadKerasModel on real Keras files (../shared/models/keras, or $RECURRENT_KERAS_MODELS) and on a small Keras 3
// archive with weights (test/fixtures/keras/tiny.keras). Expected outputs come from PyTorch with the files' weights
// mapped across (test/fixtures/generate_keras_fixtures.py), not from the importer.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { loadKerasModel, tensor, type Sequential } from '../../src/index.js';

const MODELS = process.env.RECURRENT_KERAS_MODELS || resolve(process.cwd(), '../shared/models/keras');
const FIXTURES = resolve(process.cwd(), 'test/fixtures/keras');
const TOL = 1e-5;

interface Golden {
  file: string;
  sha256: string;
  ids: number[][];
  output: number[];
}

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) assert.ok(Math.abs(actual[i] - expected[i]) <= TOL, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

function describe(model: Sequential): string {
  return model.layers.map((l) => `${l.className}(${l.params.map((p) => `[${p.shape.join(',')}]`).join(' ')})`).join(' → ');
}

const realCases = JSON.parse(readFileSync(join(FIXTURES, 'real-models.json'), 'utf8')) as Golden[];
for (const c of realCases) {
  const path = join(MODELS, c.file);
  test(`Keras ${c.file}: the imported model gives PyTorch's outputs for the same weights`, { skip: existsSync(path) ? false : `${path} not found` }, async () => {
    const bytes = readFileSync(path);
    assert.equal(createHash('sha256').update(bytes).digest('hex'), c.sha256, 'the fixture was computed from this file');
    const { model, kerasVersion, weightsLoaded, ignored } = await loadKerasModel(path);
    assert.equal(kerasVersion, '3.13.2');
    assert.equal(weightsLoaded, true);
    assert.deepEqual(ignored, []);
    const expected =
      c.file === 'lstm_model.h5'
        ? 'Embedding([10000,32]) → LSTM([32,128] [32,128] [128]) → Dense([32,1] [1])'
        : 'Embedding([10000,32]) → GRU([32,192] [64,192] [2,192]) → Dense([64,1] [1])';
    assert.equal(describe(model), expected);
    assert.deepEqual(model.modelInputShape, [null, 250]);
    assertClose(model.predict(tensor(c.ids, undefined, 'int32')).data, c.output, c.file);
    // the same bytes in memory load the same model
    const again = await loadKerasModel(new Uint8Array(bytes));
    assertClose(again.model.predict(tensor(c.ids, undefined, 'int32')).data, c.output, `${c.file} from bytes`);
  });
}

test('Keras 3 archive with weights (tiny.keras): GRU → LSTM stack matches PyTorch; regularizers are reported as ignored', async () => {
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'tiny.json'), 'utf8')) as Golden & { outputShape: number[] };
  const { model, kerasVersion, weightsLoaded, ignored } = await loadKerasModel(join(FIXTURES, 'tiny.keras'));
  assert.equal(kerasVersion, '3.8.0');
  assert.equal(weightsLoaded, true);
  assert.deepEqual(ignored, ['lstm_9.kernel_regularizer']);
  assert.equal(describe(model), 'Embedding([20,4]) → GRU([4,9] [3,9] [2,9]) → LSTM([3,20] [5,20] [20]) → Dense([5,2] [2])');
  assert.deepEqual(model.layers.map((l) => l.name), ['embedding_7', 'gru_3', 'lstm_9', 'dense_2']);
  const y = model.predict(tensor(golden.ids, undefined, 'int32'));
  assert.deepEqual(y.shape, golden.outputShape);
  assertClose(y.data, golden.output, 'tiny.keras');
});

test('Keras 3 archive saved before it was built (sentiment_lstm128.keras): the architecture, initial weights', { skip: existsSync(join(MODELS, 'sentiment_lstm128.keras')) ? false : 'not found' }, async () => {
  const { model, kerasVersion, weightsLoaded } = await loadKerasModel(join(MODELS, 'sentiment_lstm128.keras'), { seed: 1 });
  assert.equal(kerasVersion, '3.8.0');
  assert.equal(weightsLoaded, false);
  assert.equal(describe(model), 'Embedding([5000,128]) → LSTM([128,512] [128,512] [512]) → Dense([128,1] [1])');
  const lstm = model.layers[1].getConfig();
  assert.equal(lstm.dropout, 0.2);
  assert.equal(lstm.recurrentDropout, 0.2);
  assert.equal(lstm.unitForgetBias, true);
  assert.equal(model.layers[2].getConfig().activation, 'sigmoid');
  // initial weights from the file's initializers: LSTM bias zeros with the forget block at 1 (unit_forget_bias)
  const bias = model.layers[1].params[2].value;
  assert.deepEqual([bias[0], bias[128], bias[256], bias[511]], [0, 1, 0, 0]);
  const emb = model.layers[0].params[0].value;
  assert.ok(emb.every((v) => v >= -0.05 && v <= 0.05) && emb.some((v) => v !== 0), 'RandomUniform(-0.05, 0.05) embeddings');
  const y = model.predict(tensor([[1, 2, 3, 0]], undefined, 'int32'));
  assert.deepEqual(y.shape, [1, 1]);
});

/** tiny.keras with its config.json edited. */
function editedTiny(edit: (config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] }; class_name: string }) => void): Uint8Array {
  const files = unzipSync(readFileSync(join(FIXTURES, 'tiny.keras')));
  const config = JSON.parse(strFromU8(files['config.json']));
  edit(config);
  files['config.json'] = strToU8(JSON.stringify(config));
  return zipSync(files);
}

test('Keras import errors name the problem', async () => {
  await assert.rejects(loadKerasModel(new Uint8Array([1, 2, 3, 4, 5])), /neither a Keras \.keras archive \(zip\) nor a Keras \.h5 file/);
  await assert.rejects(loadKerasModel(join(FIXTURES, 'missing.h5')), /cannot read .*missing\.h5/);
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.class_name = 'Functional'))),
    /a Functional model; only Sequential models can be imported/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[2] = { class_name: 'Conv1D', config: { name: 'conv1d' } }))),
    /Keras layer conv1d: class Conv1D is not supported/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[3].config.units = 6))),
    /layer lstm_9 weight .*kernel has shape \[3, 20\] in the file, expected \[3, 24\]/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[2].config.stateful = true))),
    /Keras layer gru_3: stateful=True is not supported/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[4].config.activation = 'gelu'))),
    /Keras layer dense_2: activation "gelu" is not supported/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[1].config.mask_zero = true))),
    /maskZero is not supported through recurrent layers yet/,
  );
});
