/**
 * IMDB sentiment, written as in Keras: load, pad, train an LSTM, evaluate,
 * and score new review text.
 *
 *   npm run build:test && node build/examples/imdb-sentiment.js
 * Set RECURRENT_IMDB_PATH to a local aclImdb archive, or let the first run download it.
 */
import { Sequential, datasets, layers, preprocessing } from '../src/index.js';

const numWords = 5000, maxlen = 400;
const [[xTrain, yTrain], [xTest, yTest]] = await datasets.imdb.loadData({ numWords });
const model = new Sequential([
  layers.embedding({ inputDim: numWords, outputDim: 32, inputLength: maxlen }),
  layers.lstm({ units: 32, dropout: 0.2 }),
  layers.dense({ units: 1, activation: 'sigmoid' }),
]);
model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
model.summary();
await model.fit(preprocessing.padSequences(xTrain, { maxlen }), yTrain, { epochs: 2, batchSize: 32, validationSplit: 0.2 });
const [loss, accuracy] = await model.evaluate(preprocessing.padSequences(xTest, { maxlen }), yTest);
console.log(`test loss ${loss.toFixed(4)}, accuracy ${accuracy.toFixed(4)}`);

const wordIndex = await datasets.imdb.getWordIndex();
const reviews = ['One of the best films I have seen this year, moving and beautifully acted.', 'Dull, far too long and the plot makes no sense.'];
const p = model.predict(preprocessing.padSequences(datasets.imdb.encode(reviews, wordIndex, { numWords }), { maxlen }));
reviews.forEach((r, i) => console.log(`${p.data[i].toFixed(3)}  ${r}`));
