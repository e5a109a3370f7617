// loadKerasModel on real Keras files (../shared/models/keras, or $RECURRENT_KERAS_MODELS) and on a small Keras 3
// archive with weights (test/fixtures/keras/tiny.keras). Expected outputs come from PyTorch with the files' weights
// mapped across (test/fixtures/generate_keras_fixtures.py), not from the importer.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { loadKerasModel, optimizers, tensor, type Sequential } from '../../src/index.js';

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
    const { model, kerasVersion, weightsLoaded, compiled, ignored } = await loadKerasModel(path);
    assert.equal(kerasVersion, '3.13.2');
    assert.equal(weightsLoaded, true);
    assert.deepEqual(ignored, []);
    // compiled as saved: Adam(learning_rate 0.001 as float32, epsilon 1e-7), binary cross-entropy, accuracy
    assert.equal(compiled, true);
    const opt = model.optimizer;
    assert.ok(opt instanceof optimizers.Adam);
    assert.equal(opt.learningRate, 0.0010000000474974513);
    assert.equal(opt.epsilon, 1e-7);
    const expected =
      c.file === 'lstm_model.h5'
        ? 'Embedding([10000,32]) → LSTM([32,128] [32,128] [128]) → Dense([32,1] [1])'
        : 'Embedding([10000,32]) → GRU([32,192] [64,192] [2,192]) → Dense([64,1] [1])';
    assert.equal(describe(model), expected);
    assert.deepEqual(model.modelInputShape, [null, 250]);
    assertClose(model.predict(tensor(c.ids, undefined, 'int32')).data, c.output, c.file);
    // evaluate with the saved loss and metric: binary cross-entropy and accuracy of PyTorch's outputs
    const labels = c.output.map((_, i) => i % 2);
    const bce = -c.output.reduce((s, p, i) => s + (labels[i] ? Math.log(p) : Math.log(1 - p)), 0) / c.output.length;
    const acc = c.output.filter((p, i) => (p > 0.5 ? 1 : 0) === labels[i]).length / c.output.length;
    const [loss, accuracy] = await model.evaluate(tensor(c.ids, undefined, 'int32'), tensor(labels.map((v) => [v])), { verbose: 0 });
    assert.ok(Math.abs(loss - bce) < 1e-4, `loss ${loss} vs ${bce}`);
    assert.equal(accuracy, acc);
    // the same bytes in memory load the same model
    const again = await loadKerasModel(new Uint8Array(bytes));
    assertClose(again.model.predict(tensor(c.ids, undefined, 'int32')).data, c.output, `${c.file} from bytes`);
  });
}

interface Resume {
  file: string;
  labels: number[];
  loss: number;
  iterationsBefore: number;
  embeddingRows: number[];
  embedding: number[];
  weights: { stride: number; values: number[] }[];
}
const resumeCases = JSON.parse(readFileSync(join(FIXTURES, 'resume.json'), 'utf8')) as Resume[];
for (const c of resumeCases) {
  const path = join(MODELS, c.file);
  test(`Keras ${c.file}: training resumes from the file's Adam state as Keras's update rule does`, { skip: existsSync(path) ? false : `${path} not found` }, async () => {
    const golden = realCases.find((g) => g.file === c.file)!;
    const { model, ignored } = await loadKerasModel(path);
    assert.deepEqual(ignored, []);
    assert.equal(model.optimizer?.iterations, c.iterationsBefore);
    const [loss] = model.trainOnBatch(tensor(golden.ids, undefined, 'int32'), tensor(c.labels.map((v) => [v])));
    assert.ok(Math.abs(loss - c.loss) < 1e-5, `loss ${loss} vs ${c.loss}`);
    assert.equal(model.optimizer?.iterations, c.iterationsBefore + 1);
    const [table, ...rest] = model.getWeights();
    const E = table.shape[1];
    const rows = c.embeddingRows.flatMap((r) => Array.from(table.data.subarray(r * E, (r + 1) * E)));
    assertClose(rows, c.embedding, `${c.file} embedding rows`);
    rest.forEach((w, i) => {
      const { stride, values } = c.weights[i];
      assertClose(values.map((_, k) => w.data[k * stride]), values, `${c.file} weight ${i + 1}`);
    });
  });
}

test('Keras 3 archive with weights (tiny.keras): GRU → LSTM stack matches PyTorch; regularizers are reported as ignored', async () => {
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'tiny.json'), 'utf8')) as Golden & { outputShape: number[] };
  const { model, kerasVersion, weightsLoaded, compiled, ignored } = await loadKerasModel(join(FIXTURES, 'tiny.keras'));
  assert.equal(kerasVersion, '3.8.0');
  assert.equal(weightsLoaded, true);
  assert.equal(compiled, false, 'the archive has no compile_config');
  assert.deepEqual(ignored, ['lstm_9.kernel_regularizer']);
  assert.equal(describe(model), 'Embedding([20,4]) → GRU([4,9] [3,9] [2,9]) → LSTM([3,20] [5,20] [20]) → Dense([5,2] [2])');
  assert.deepEqual(model.layers.map((l) => l.name), ['embedding_7', 'gru_3', 'lstm_9', 'dense_2']);
  const y = model.predict(tensor(golden.ids, undefined, 'int32'));
  assert.deepEqual(y.shape, golden.outputShape);
  assertClose(y.data, golden.output, 'tiny.keras');
});

test('Keras 2 .h5 layout (keras2.h5): byte-string attributes, SimpleRNN (relu), GRU reset_after=False, softmax Dense; RMSprop compile', async () => {
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'keras2.json'), 'utf8')) as Golden & { outputShape: number[] };
  const { model, kerasVersion, weightsLoaded, compiled, ignored } = await loadKerasModel(join(FIXTURES, 'keras2.h5'));
  assert.equal(kerasVersion, '2.11.0');
  assert.deepEqual([weightsLoaded, compiled, ignored], [true, true, []]);
  assert.equal(describe(model), 'Embedding([30,5]) → SimpleRNN([5,4] [4,4] [4]) → GRU([4,9] [3,9] [9]) → Dense([3,2] [2])');
  assert.deepEqual(model.modelInputShape, [null, 7]);
  assert.equal(model.layers[2].getConfig().resetAfter, false);
  const opt = model.optimizer;
  assert.ok(opt instanceof optimizers.RMSprop);
  assert.deepEqual([opt.learningRate, opt.getConfig().rho], [0.001, 0.9]);
  const y = model.predict(tensor(golden.ids, undefined, 'int32'));
  assert.deepEqual(y.shape, golden.outputShape);
  assertClose(y.data, golden.output, 'keras2.h5');
});

test('Bidirectional (LSTM concat with return_sequences, GRU sum) from Keras 3 .h5 and .keras layouts matches PyTorch', async () => {
  const golden = JSON.parse(readFileSync(join(FIXTURES, 'bidi.json'), 'utf8')) as { files: string[]; ids: number[][]; output: number[]; outputShape: number[] };
  for (const file of golden.files) {
    const { model, weightsLoaded } = await loadKerasModel(join(FIXTURES, file));
    assert.equal(weightsLoaded, true);
    assert.equal(
      describe(model),
      'Embedding([15,4]) → Bidirectional([4,12] [3,12] [12] [4,12] [3,12] [12]) → Bidirectional([6,6] [2,6] [2,6] [6,6] [2,6] [2,6]) → Dense([2,1] [1])',
    );
    assert.deepEqual(model.layers.map((l) => l.getConfig().mergeMode ?? null), [null, 'concat', 'sum', null]);
    const y = model.predict(tensor(golden.ids, undefined, 'int32'));
    assert.deepEqual(y.shape, golden.outputShape);
    assertClose(y.data, golden.output, file);
  }
  const bidi = unzipSync(readFileSync(join(FIXTURES, 'bidi.keras')));
  const withConfig = (edit: (layers: { config: Record<string, unknown> }[]) => void): Uint8Array => {
    const config = JSON.parse(strFromU8(bidi['config.json']));
    edit(config.config.layers);
    return zipSync({ ...bidi, 'config.json': strToU8(JSON.stringify(config)) });
  };
  await assert.rejects(
    loadKerasModel(withConfig((l) => ((l[2].config.backward_layer as { config: Record<string, unknown> }).config.units = 4))),
    /Keras layer bidirectional: a backward_layer that is not the wrapped layer run backwards is not supported/,
  );
  await assert.rejects(loadKerasModel(withConfig((l) => (l[3].config.merge_mode = null))), /Keras layer bidirectional_1: merge_mode null is not supported/);
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

test('Keras 3 compile_config: applied when it can be reproduced exactly, else reported and left out', async () => {
  const withSetup = (setup: unknown): Uint8Array => editedTiny((c) => Object.assign(c, { compile_config: setup }));
  const sgd = await loadKerasModel(
    withSetup({
      optimizer: { module: 'keras.optimizers', class_name: 'SGD', config: { name: 'SGD', learning_rate: 0.05, momentum: 0.9, nesterov: true, clipnorm: 1, weight_decay: null } },
      loss: { module: 'keras.losses', class_name: 'BinaryCrossentropy', config: { from_logits: false, label_smoothing: 0, reduction: 'sum_over_batch_size' } },
      metrics: [{ module: 'keras.metrics', class_name: 'BinaryAccuracy', config: { name: 'binary_accuracy', threshold: 0.5 } }],
    }),
  );
  assert.equal(sgd.compiled, true);
  const opt = sgd.model.optimizer;
  assert.ok(opt instanceof optimizers.SGD);
  assert.deepEqual([opt.learningRate, opt.momentum, opt.nesterov, opt.getConfig().clipnorm], [0.05, 0.9, true, 1]);
  assert.deepEqual(sgd.model.metricKeys, ['binary_accuracy']);
  const schedule = await loadKerasModel(
    withSetup({
      optimizer: { class_name: 'Adam', config: { learning_rate: { class_name: 'ExponentialDecay', config: { initial_learning_rate: 0.01 } } } },
      loss: 'binary_crossentropy',
      metrics: ['accuracy'],
    }),
  );
  assert.equal(schedule.compiled, false);
  assert.equal(schedule.model.optimizer, null);
  assert.match(schedule.ignored.join('\n'), /training setup: Adam's learning_rate is a schedule/);
  const smoothing = await loadKerasModel(withSetup({ optimizer: { class_name: 'Adam', config: { learning_rate: 0.001 } }, loss: { class_name: 'BinaryCrossentropy', config: { label_smoothing: 0.1 } }, metrics: [] }));
  assert.equal(smoothing.compiled, false);
  assert.match(smoothing.ignored.join('\n'), /label_smoothing is not supported/);
});

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
    loadKerasModel(editedTiny((c) => (c.config.layers[2].config.return_state = true))),
    /Keras layer gru_3: return_state=True is not supported/,
  );
  const stateful = await loadKerasModel(editedTiny((c) => (c.config.layers[2].config.stateful = true)));
  assert.deepEqual(stateful.model.layers.map((l) => l.getConfig().stateful ?? null), [null, true, false, null]);
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[4].config.activation = 'gelu'))),
    /Keras layer dense_2: activation "gelu" is not supported/,
  );
  await assert.rejects(
    loadKerasModel(editedTiny((c) => (c.config.layers[1].config.mask_zero = true))),
    /maskZero is not supported through recurrent layers yet/,
  );
});
