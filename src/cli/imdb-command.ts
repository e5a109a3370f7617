/**
 * `recurrent imdb`: the classic experiment end to end — load and tokenize the
 * IMDB reviews, pad, train an LSTM/GRU/SimpleRNN, evaluate, plot the curves,
 * and score new review text.
 */
import asciichart from 'asciichart';
import * as imdb from '../data/imdb/index.js';
import { encode } from '../data/imdb/encode.js';
import { padSequences } from '../data/pad-sequences.js';
import * as layers from '../layers/index.js';
import type { BackendName } from '../kernels/backend.js';
import { Sequential } from '../model/sequential.js';
import { loadModel, saveModel } from '../io/model-file.js';
import { adam } from '../optimizers/index.js';
import { Tensor, sliceRows } from '../tensor.js';

export interface ImdbCommandOptions {
  rnn: 'lstm' | 'gru' | 'simpleRNN';
  /** Wrap the recurrent layer in Bidirectional (concat). */
  bidirectional?: boolean;
  units: number;
  embeddingDim: number;
  numWords: number;
  maxlen: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  dropout: number;
  limit?: number;
  seed: number;
  backend?: BackendName;
  path?: string;
  review: string[];
  /** Write the trained model here (saveModel format) to score text later with `recurrent predict`. */
  save?: string;
}

export interface PredictCommandOptions {
  model: string;
  review: string[];
  path?: string;
  backend?: BackendName;
}

const SAMPLE_REVIEWS = [
  'This movie was fantastic. The acting was superb and the story kept me hooked until the very end. I loved it.',
  'A boring, predictable mess. The dialogue was awful and I wanted to leave after twenty minutes. Waste of time.',
];

function plot(title: string, series: Record<string, number[]>): void {
  const entries = Object.entries(series).filter(([, v]) => v.length > 1);
  if (entries.length === 0) return;
  const colors = process.stdout.isTTY ? [asciichart.blue, asciichart.red] : undefined; // no escape codes in logs
  console.log(`\n${title} (${entries.map(([k], i) => `${i === 0 ? 'blue' : 'red'}: ${k}`).join(', ')})`);
  console.log(asciichart.plot(entries.map(([, v]) => v), { height: 8, colors, format: (x: number) => x.toFixed(3).padStart(7) }));
}

function recurrentLayer(kind: ImdbCommandOptions['rnn'], options: { units: number; dropout: number }): layers.RecurrentLayer {
  return kind === 'gru' ? layers.gru(options) : kind === 'simpleRNN' ? layers.simpleRNN(options) : layers.lstm(options);
}

export async function runImdb(o: ImdbCommandOptions): Promise<void> {
  const t0 = Date.now();
  const [[xTrainSeqs, yTrainAll], [xTestSeqs, yTestAll]] = await imdb.loadData({ numWords: o.numWords, path: o.path });
  const limit = (n: number): number => (o.limit ? Math.min(o.limit, n) : n);
  const nTrain = limit(xTrainSeqs.length), nTest = limit(xTestSeqs.length);
  const xTrain = padSequences(xTrainSeqs.slice(0, nTrain), { maxlen: o.maxlen });
  const xTest = padSequences(xTestSeqs.slice(0, nTest), { maxlen: o.maxlen });
  const yTrain = sliceRows(yTrainAll, 0, nTrain);
  const yTest = sliceRows(yTestAll, 0, nTest);
  console.log(`Loaded ${nTrain} training and ${nTest} test reviews in ${((Date.now() - t0) / 1000).toFixed(1)}s (vocabulary ${o.numWords}, padded to ${o.maxlen})`);

  const rnnOptions = { units: o.units, dropout: o.dropout };
  const model = new Sequential(
    [
      layers.embedding({ inputDim: o.numWords, outputDim: o.embeddingDim, inputLength: o.maxlen }),
      o.bidirectional ? layers.bidirectional({ layer: recurrentLayer(o.rnn, rnnOptions) }) : recurrentLayer(o.rnn, rnnOptions),
      layers.dense({ units: 1, activation: 'sigmoid' }),
    ],
    { seed: o.seed, backend: o.backend },
  );
  model.compile({ optimizer: adam({ learningRate: o.learningRate }), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  model.summary();
  console.log(`Backend: ${model.kernels.name}`);
  const history = await model.fit(xTrain, yTrain, { epochs: o.epochs, batchSize: o.batchSize, validationSplit: 0.2 });
  const [loss, acc] = await model.evaluate(xTest, yTest, { batchSize: 256 });
  console.log(`\nTest loss ${loss.toFixed(4)}, test accuracy ${(acc * 100).toFixed(2)}%`);
  plot('Loss per epoch', { loss: history.history.loss, val_loss: history.history.val_loss ?? [] });
  plot('Accuracy per epoch', { accuracy: history.history.accuracy, val_accuracy: history.history.val_accuracy ?? [] });

  if (o.save) {
    await saveModel(model, o.save, { metadata: { dataset: 'imdb', numWords: o.numWords, maxlen: o.maxlen } });
    console.log(`\nSaved the model to ${o.save}`);
  }
  await scoreReviews(model, o.review.length ? o.review : SAMPLE_REVIEWS, o.numWords, o.maxlen, o.path);
}

async function scoreReviews(model: Sequential, reviews: string[], numWords: number, maxlen: number, path?: string): Promise<void> {
  const wordIndex = await imdb.getWordIndex({ path });
  const ids = padSequences(encode(reviews, wordIndex, { numWords }), { maxlen });
  const p = model.predict(ids) as Tensor;
  console.log('\nPredictions (probability the review is positive):');
  reviews.forEach((r, i) => console.log(`  ${p.data[i].toFixed(3)}  ${r.length > 90 ? r.slice(0, 87) + '...' : r}`));
}

/** `recurrent predict`: scores review text with a model saved by `recurrent imdb --save`. */
export async function runPredict(o: PredictCommandOptions): Promise<void> {
  const { model, metadata } = await loadModel(o.model, { backend: o.backend });
  const { numWords, maxlen } = metadata;
  if (metadata.dataset !== 'imdb' || typeof numWords !== 'number' || typeof maxlen !== 'number') {
    throw new Error(`${o.model} was not saved by "recurrent imdb --save" (its metadata has no IMDB vocabulary size and length)`);
  }
  await scoreReviews(model, o.review, numWords, maxlen, o.path);
}
