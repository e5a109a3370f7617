import assert from 'node:assert/strict';
import { test } from 'node:test';
import { timeseriesDataset } from '../../src/data/timeseries.js';
import { tensor } from '../../src/tensor.js';

const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);

test('Keras docstring example 1: indices 0..98, sequenceLength 10, samplingRate 2, stride 3', () => {
  const batches = timeseriesDataset(tensor(range(99)), null, { sequenceLength: 10, samplingRate: 2, sequenceStride: 3 });
  const windows = batches.flatMap((b) => b.x.toArray() as number[][][]).map((w) => w.map((r) => r[0]));
  assert.deepEqual(windows[0], [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  assert.deepEqual(windows[1], [3, 5, 7, 9, 11, 13, 15, 17, 19, 21]);
  assert.deepEqual(windows[2], [6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
  assert.deepEqual(windows[windows.length - 1], [78, 80, 82, 84, 86, 88, 90, 92, 94, 96]);
  assert.equal(windows.length, 27);
  assert.equal(batches[0].y, undefined);
});

test('Keras docstring example 2: past 10 steps predict the next one', () => {
  const data = range(20, 1);
  const batches = timeseriesDataset(tensor(data.slice(0, -10)), tensor(data.slice(10)), { sequenceLength: 10 });
  assert.equal(batches.length, 1);
  assert.deepEqual(batches[0].x.shape, [1, 10, 1]);
  assert.deepEqual((batches[0].x.toArray() as number[][][])[0].map((r) => r[0]), range(10, 1));
  assert.deepEqual(batches[0].y?.toArray(), [11]);
});

test('Keras docstring example 3: non-overlapping 20-step windows for many-to-many', () => {
  const X = range(100);
  const Y = range(100, 1000);
  const opts = { sequenceLength: 20, sequenceStride: 20, batchSize: 2 };
  const xb = timeseriesDataset(tensor(X), null, opts);
  const yb = timeseriesDataset(tensor(Y), null, opts);
  assert.equal(xb.length, 3); // 5 windows in batches of 2
  assert.deepEqual(xb.map((b) => b.x.shape[0]), [2, 2, 1]);
  const x0 = (xb[0].x.toArray() as number[][][]).map((w) => w.map((r) => r[0]));
  const y0 = (yb[0].x.toArray() as number[][][]).map((w) => w.map((r) => r[0]));
  assert.deepEqual(x0[1], range(20, 20));
  assert.deepEqual(y0[1], range(20, 1020));
});

test('multi-feature data, startIndex/endIndex, targets aligned with window start, batching', () => {
  const rows = range(12).map((i) => [i, 100 + i]);
  const targets = range(12, 500);
  const batches = timeseriesDataset(tensor(rows), tensor(targets), { sequenceLength: 3, startIndex: 2, endIndex: 9, batchSize: 2 });
  // starts 2..6 (window 6 uses rows 6,7,8; endIndex 9 is exclusive)
  assert.deepEqual(batches.map((b) => b.x.shape), [[2, 3, 2], [2, 3, 2], [1, 3, 2]]);
  assert.deepEqual((batches[0].x.toArray() as number[][][])[0], [[2, 102], [3, 103], [4, 104]]);
  assert.deepEqual(batches.flatMap((b) => b.y?.toArray() as number[]), [502, 503, 504, 505, 506]);
});

test('shuffle is seeded and keeps window/target pairs together', () => {
  const opts = { sequenceLength: 4, shuffle: true, seed: 7, batchSize: 100 };
  const a = timeseriesDataset(tensor(range(30)), tensor(range(30)), opts);
  const b = timeseriesDataset(tensor(range(30)), tensor(range(30)), opts);
  assert.deepEqual(a[0].x.toArray(), b[0].x.toArray());
  const xs = a[0].x.toArray() as number[][][];
  const ys = a[0].y?.toArray() as number[];
  xs.forEach((w, i) => assert.equal(w[0][0], ys[i]));
  assert.notDeepEqual(ys, [...ys].sort((p, q) => p - q));
});

test('errors: window longer than the series, bad arguments', () => {
  assert.throws(() => timeseriesDataset(tensor(range(5)), null, { sequenceLength: 6 }), /longer than the 5 steps/);
  assert.throws(() => timeseriesDataset(tensor(range(10)), null, { sequenceLength: 4, samplingRate: 4 }), /spans 13 steps/);
  assert.throws(() => timeseriesDataset(tensor(range(10)), null, { sequenceLength: 0 }), /sequenceLength/);
  assert.throws(() => timeseriesDataset(tensor(range(10)), null, { sequenceLength: 2, startIndex: 10 }), /startIndex/);
});
