/**
 * Time-series forecasting: tomorrow's maximum temperature in Seattle from the
 * last 30 days of weather (vega-datasets' seattle-weather.csv), with an LSTM,
 * compared against the "same as today" baseline.
 *
 *   npm run build:test && node build/examples/forecast-weather.js
 */
import { resolve } from 'node:path';
import { Sequential, layers, optimizers, preprocessing, Tensor } from '../src/index.js';

const csvPath = resolve(process.cwd(), 'node_modules/vega-datasets/data/seattle-weather.csv'); // run from the repository root
const L = 30; // days of history per window

const table = await preprocessing.readCsv(csvPath, { dateColumn: 'date', columns: ['temp_max', 'temp_min', 'precipitation', 'wind'] });
const rows = table.values.shape[0];
const F = table.values.shape[1];
const trainEnd = Math.floor(rows * 0.8);

// Statistics from the training period only, so nothing leaks from the test period.
const normalizer = new preprocessing.Normalizer().fit(new Tensor(table.values.data.slice(0, trainEnd * F), [trainEnd, F]));
const scaled = normalizer.transform(table.values);

// Window starting at day i covers days i..i+L-1; its target is temp_max on day i+L.
const nextDayTempMax = new Float32Array(rows);
for (let i = 0; i + L < rows; i++) nextDayTempMax[i] = scaled.data[(i + L) * F];
const targets = new Tensor(nextDayTempMax, [rows, 1]);
const windows = (start: number, end: number): { x: Tensor; y: Tensor } => {
  const [batch] = preprocessing.timeseriesDataset(scaled, targets, { sequenceLength: L, startIndex: start, endIndex: end, batchSize: null });
  return { x: batch.x, y: batch.y! };
};
const train = windows(0, trainEnd);
const test = windows(trainEnd - L, rows - 1);

const model = new Sequential([layers.lstm({ units: 32, inputShape: [L, F] }), layers.dense({ units: 1 })], { seed: 7 });
model.compile({ optimizer: optimizers.adam({ learningRate: 3e-3 }), loss: 'meanSquaredError', metrics: ['mae'] });
model.summary();
await model.fit(train.x, train.y, { epochs: 15, batchSize: 64, validationSplit: 0.1, verbose: 2 });

// Errors in degrees Celsius: undo the scaling of the temp_max feature.
const std = Math.sqrt(normalizer.variance![0]);
const pred = model.predict(test.x);
let modelErr = 0, baselineErr = 0;
const n = test.y.shape[0];
for (let i = 0; i < n; i++) {
  const today = test.x.data[(i * L + L - 1) * F]; // last day of the window, scaled temp_max
  modelErr += Math.abs(pred.data[i] - test.y.data[i]) * std;
  baselineErr += Math.abs(today - test.y.data[i]) * std;
}
console.log(`\nTest MAE over ${n} days: LSTM ${(modelErr / n).toFixed(2)} °C, "same as today" baseline ${(baselineErr / n).toFixed(2)} °C`);
