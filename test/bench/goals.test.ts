import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { goalRows, type CellMedian } from '../../bench/goals.js';

// Benchmark run 13 (bench/RESULTS.md), median ms per cell.
const RUN13: Record<string, Record<string, number>> = {
  'wasm-1t': { 'seed-lstm-train': 19.1, 'seed-lstm-predict': 5.34, 'seed-gru-train': 13.9, 'seed-simplernn-train': 7.61, 'heavy-lstm-train': 453 },
  'wasm-2t': { 'seed-lstm-train': 13.2, 'seed-lstm-predict': 4.41, 'seed-gru-train': 11.7, 'seed-simplernn-train': 4.75, 'heavy-lstm-train': 273 },
  'tfjs-wasm': { 'seed-lstm-train': 1233, 'seed-lstm-predict': 357, 'seed-gru-train': 1100, 'seed-simplernn-train': 659, 'heavy-lstm-train': 13100 },
  'torch-1t': { 'seed-lstm-train': 89.8, 'seed-lstm-predict': 18.5, 'seed-gru-train': 96.6, 'seed-simplernn-train': 36.3, 'heavy-lstm-train': 342 },
  'torch-2t': { 'seed-lstm-train': 106, 'seed-lstm-predict': 21.0, 'seed-gru-train': 103, 'seed-simplernn-train': 35.0, 'heavy-lstm-train': 327 },
};
const from = (cells: Record<string, Record<string, number>>): CellMedian => (lib, wl) => cells[lib]?.[wl];

test('goals of a full run: fastest thread count on each side, ratios within the run', () => {
  const rows = goalRows(from(RUN13));
  const byGoal = new Map(rows.map((r) => [r.goal, r]));
  assert.equal(rows.length, 13);
  assert.deepEqual(byGoal.get('seed LSTM train ≤ 20 ms'), { goal: 'seed LSTM train ≤ 20 ms', measured: '13.2 ms', met: true });
  assert.deepEqual(byGoal.get('seed LSTM predict ≤ 4 ms'), { goal: 'seed LSTM predict ≤ 4 ms', measured: '4.41 ms', met: false });
  assert.deepEqual(byGoal.get('heavy LSTM train ≤ 300 ms and faster than PyTorch'), {
    goal: 'heavy LSTM train ≤ 300 ms and faster than PyTorch',
    measured: '273 ms vs 327 ms',
    met: true,
  });
  // 1233 / 13.2 and 659 / 4.75: TF.js wasm against our faster (2-thread) cell
  assert.deepEqual(byGoal.get('seed LSTM train ≥ 100x TF.js wasm'), { goal: 'seed LSTM train ≥ 100x TF.js wasm', measured: '93.4x', met: false });
  assert.deepEqual(byGoal.get('seed SimpleRNN train ≥ 100x TF.js wasm'), { goal: 'seed SimpleRNN train ≥ 100x TF.js wasm', measured: '138.7x', met: true });
  // PyTorch's faster cell: 1 thread for the LSTM (89.8), 2 threads for SimpleRNN (35.0)
  assert.equal(byGoal.get('seed LSTM train ≥ 5x PyTorch')?.measured, '6.8x');
  assert.equal(byGoal.get('seed SimpleRNN train ≥ 5x PyTorch')?.measured, '7.4x');
  assert.equal(byGoal.get('seed LSTM predict ≥ 5x PyTorch')?.met, false);
});

test('a goal exactly at its bound is met; a goal without its cells is reported as not run', () => {
  const cells = { 'wasm-2t': { 'seed-lstm-train': 20, 'heavy-lstm-train': 250 }, 'tfjs-wasm': { 'seed-lstm-train': 2000 } };
  const rows = new Map(goalRows(from(cells)).map((r) => [r.goal, r]));
  assert.equal(rows.get('seed LSTM train ≤ 20 ms')?.met, true);
  assert.equal(rows.get('seed LSTM train ≥ 100x TF.js wasm')?.met, true);
  assert.equal(rows.get('seed GRU train ≤ 20 ms')?.met, undefined);
  assert.equal(rows.get('seed GRU train ≤ 20 ms')?.measured, '—');
  // no PyTorch cells: the heavy goal compares against PyTorch, so it cannot be decided
  assert.equal(rows.get('heavy LSTM train ≤ 300 ms and faster than PyTorch')?.met, undefined);
  assert.equal(rows.get('heavy LSTM train ≤ 300 ms and faster than PyTorch')?.measured, '250 ms');
});
