import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { readCsv } from '../../src/data/csv.js';
import { Normalizer } from '../../src/data/normalizer.js';
import { timeseriesDataset } from '../../src/data/timeseries.js';
import { tensor } from '../../src/tensor.js';

const SP500 = resolve(process.cwd(), 'node_modules/vega-datasets/data/sp500-2000.csv');

test('Normalizer: per-feature mean/population std, inverse, JSON round-trip', () => {
  const data = tensor([[1, 10], [2, 20], [3, 30], [4, 40]]);
  const n = new Normalizer().fit(data);
  assert.deepEqual(Array.from(n.mean ?? []), [2.5, 25]);
  assert.deepEqual(Array.from(n.variance ?? []), [1.25, 125]);
  const z = n.transform(data).toArray() as number[][];
  assert.ok(Math.abs(z[0][0] + 1.5 / Math.sqrt(1.25)) < 1e-6);
  assert.ok(Math.abs(z[3][1] - 15 / Math.sqrt(125)) < 1e-6);
  const back = Normalizer.fromJSON(JSON.stringify(n)).inverseTransform(n.transform(data)).toArray() as number[][];
  back.flat().forEach((v, i) => assert.ok(Math.abs(v - [1, 10, 2, 20, 3, 30, 4, 40][i]) < 1e-4));
  // Constant feature: finite zeros, not NaN.
  assert.deepEqual(new Normalizer().fit(tensor([[5], [5]])).transform(tensor([[5]])).toArray(), [[0]]);
  assert.throws(() => new Normalizer().transform(data), /fit/);
  assert.throws(() => n.transform(tensor([[1, 2, 3]])), /expected 2 features/);
});

test('readCsv on vega-datasets sp500-2000.csv: dates + numeric columns', async () => {
  const table = await readCsv(SP500, { dateColumn: 'date' });
  assert.deepEqual(table.columns, ['open', 'high', 'low', 'close', 'adjclose', 'volume']);
  assert.equal(table.values.shape[0], 5105);
  assert.equal(table.dates?.length, 5105);
  assert.equal(table.dates?.[0].toISOString().slice(0, 10), '2000-01-03');
  const first = (table.values.toArray() as number[][])[0];
  assert.ok(Math.abs(first[3] - 1455.219971) < 1e-3);
  const closeOnly = await readCsv(SP500, { columns: ['close'] });
  assert.deepEqual(closeOnly.values.shape, [5105, 1]);
});

test('forecasting pipeline on sp500: normalize close, 30-day windows predicting the next day', async () => {
  const { values } = await readCsv(SP500, { columns: ['close'] });
  const norm = new Normalizer().fit(values);
  const z = norm.transform(values);
  const n = z.shape[0];
  const past = 30;
  // targets[i] must be the value right after the window starting at i.
  const targets = tensor(z.data.slice(past), [n - past, 1]);
  const batches = timeseriesDataset(tensor(z.data.slice(0, n - past), [n - past, 1]), targets, { sequenceLength: past, batchSize: 256 });
  const total = batches.reduce((s, b) => s + b.x.shape[0], 0);
  assert.equal(total, n - 2 * past + 1);
  assert.deepEqual(batches[0].x.shape, [256, past, 1]);
  assert.equal(batches[0].y?.data[0], z.data[past]);
});

test('readCsv errors name file, line and column', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recurrent-csv-'));
  const file = join(dir, 'bad.csv');
  await writeFile(file, 'date,price\n2020-01-01,1.5\n\n2020-01-02,n/a\n');
  await assert.rejects(readCsv(file, { dateColumn: 'date' }), (err: Error) => {
    assert.match(err.message, /bad\.csv: line 4, column "price": "n\/a" is not a number/);
    return true;
  });
  await assert.rejects(readCsv(file, { columns: ['nope'] }), /no column "nope"/);
  await assert.rejects(readCsv(join(dir, 'missing.csv')), /not found/);
});
