// Loss values on hand-computed examples, finite-difference checks of every
// loss's gradient, and sparse ↔ categorical equivalence.
//
// Keras semantics (keras/src/losses/losses.py, reduction "sum_over_batch_size"):
//   binary_crossentropy      mean over the last axis of −(y·log p + (1−y)·log(1−p)),
//                            p clipped to [ε, 1−ε] with ε = 1e-7 (backend.epsilon());
//                            fromLogits: max(z,0) − z·y + log(1 + e^−|z|)
//   categorical_crossentropy −Σ_j y_j·log p_j over the last axis (a SUM, not a mean),
//                            p first renormalised to sum 1, then clipped to [ε, 1−ε];
//                            fromLogits: −Σ y_j·log_softmax(z)_j
//   sparse_categorical_crossentropy  as categorical with a one-hot target
//   mean_squared_error / mean_absolute_error  mean over the last axis
//   huber                    mean over the last axis of ½d² (|d| ≤ δ) or δ|d| − ½δ²
// then the per-sample values are averaged over every remaining axis (batch, time).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeLoss, type LossName, type LossOptions } from '../../src/losses/losses.js';
import { Random } from '../../src/random.js';
import { checkGradient } from '../helpers/gradcheck.js';

const f32 = (a: number[]): Float32Array => Float32Array.from(a);
const close = (got: number, want: number, tol = 1e-6, what = ''): void =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `${what} got ${got}, expected ${want}`);
/** float32 rounding of the inputs limits agreement to ~1e-7 relative. */
const TOL = 2e-6;

describe('loss values (hand-computed, Keras semantics)', () => {
  it('binaryCrossentropy: mean over last axis, then over batch', () => {
    // rows: [−log .9 − log .8]/2 and [−log .7 − log .6]/2, then their mean
    const want = ((-Math.log(0.9) - Math.log(0.8)) / 2 + (-Math.log(0.7) - Math.log(0.6)) / 2) / 2;
    const { loss } = computeLoss('binaryCrossentropy', f32([0.9, 0.2, 0.3, 0.6]), [1, 0, 0, 1], 2);
    close(loss, want, TOL, 'bce');
    close(want, 0.2990011586691898, 1e-12, 'hand value');
  });

  it('binaryCrossentropy clips probabilities to [1e-7, 1 − 1e-7]', () => {
    // p = 0 with y = 1 → −log(1e-7) = 16.11809565; p = 1 with y = 1 → −log(1 − 1e-7) ≈ 1e-7
    const { loss } = computeLoss('binaryCrossentropy', f32([0, 1]), [1, 1], 2);
    close(loss, (-Math.log(1e-7) - Math.log(1 - 1e-7)) / 2, 1e-9, 'clipped bce');
    close(loss, 8.059047875, 1e-8);
    const g = computeLoss('binaryCrossentropy', f32([0, 1]), [1, 1], 2).grad;
    assert.deepEqual(Array.from(g), [0, 0], 'clipped region has zero gradient (as tf.clip_by_value)');
  });

  it('binaryCrossentropy fromLogits', () => {
    // z=0,y=1 → log 2; z=2,y=0 → log(1+e²); z=−30,y=1 → 30 (stable, no clipping)
    const { loss } = computeLoss('binaryCrossentropy', f32([0, 2, -30]), [1, 0, 1], 3, { fromLogits: true });
    close(loss, (Math.LN2 + Math.log1p(Math.exp(2)) + 30 + Math.log1p(Math.exp(-30))) / 3, 1e-9, 'bce logits');
  });

  it('categoricalCrossentropy sums over classes, renormalises, means over rows', () => {
    // row 0: −log .7 ; row 1: p = [.2, 1.4, .4] renormalised to [.1, .7, .2], target class 2 → −log .2
    const { loss } = computeLoss('categoricalCrossentropy', f32([0.1, 0.7, 0.2, 0.2, 1.4, 0.4]), [0, 1, 0, 0, 0, 1], 3);
    close(loss, (-Math.log(0.7) - Math.log(0.2)) / 2, TOL, 'cce');
    close(loss, 0.9830564281864164, TOL);
  });

  it('categoricalCrossentropy with soft labels', () => {
    const { loss } = computeLoss('categoricalCrossentropy', f32([0.5, 0.25, 0.25]), [0.5, 0.5, 0], 3);
    close(loss, -(0.5 * Math.log(0.5) + 0.5 * Math.log(0.25)), TOL);
  });

  it('sparse/categorical CE fromLogits: log-sum-exp', () => {
    // logits [1,2,3], class 2 → log(e¹+e²+e³) − 3 = 0.40760596
    const sparse = computeLoss('sparseCategoricalCrossentropy', f32([1, 2, 3]), [2], 3, { fromLogits: true });
    close(sparse.loss, 0.4076059644443806, 1e-9);
    const cat = computeLoss('categoricalCrossentropy', f32([1, 2, 3]), [0, 0, 1], 3, { fromLogits: true });
    close(cat.loss, 0.4076059644443806, 1e-9);
    // large logits stay finite
    const big = computeLoss('sparseCategoricalCrossentropy', f32([1000, 0]), [1], 2, { fromLogits: true });
    close(big.loss, 1000, 1e-9);
  });

  it('sparseCategoricalCrossentropy rejects labels outside [0, C)', () => {
    assert.throws(() => computeLoss('sparseCategoricalCrossentropy', f32([0.5, 0.5]), [2], 2), /label 2 in row 0.*\[0, 2\)/);
  });

  it('meanSquaredError / meanAbsoluteError / huber', () => {
    const pred = f32([1, 2, 3, 4]);
    const zero = [0, 0, 0, 0];
    // rows [(1+4)/2, (9+16)/2] → mean 7.5
    close(computeLoss('meanSquaredError', pred, zero, 2).loss, 7.5, 1e-12, 'mse');
    // rows [1.5, 3.5] → 2.5
    close(computeLoss('meanAbsoluteError', pred, zero, 2).loss, 2.5, 1e-12, 'mae');
    // d = 0.5 → ½·0.25 = 0.125; d = −2 → 1·2 − ½ = 1.5; mean 0.8125
    close(computeLoss('huber', f32([0.5, -2]), [0, 0], 2).loss, 0.8125, 1e-12, 'huber');
    // δ = 3: both quadratic: (0.125 + 2)/2
    close(computeLoss('huber', f32([0.5, -2]), [0, 0], 2, { delta: 3 }).loss, 1.0625, 1e-12, 'huber δ=3');
  });

  it('sequence outputs [B, T, C] average over batch and time', () => {
    // 2×2 rows of C=1: mse = mean of squares
    close(computeLoss('meanSquaredError', f32([1, 2, 3, 4]), [0, 0, 0, 0], 1).loss, 7.5, 1e-12);
  });
});

describe('loss gradients (central differences)', () => {
  interface Case {
    name: LossName;
    C: number;
    rows: number;
    options?: LossOptions;
    pred: (rng: Random) => number;
    target: (rng: Random, r: number, j: number) => number;
    sparse?: boolean;
  }
  const prob = (rng: Random): number => rng.uniform(0.05, 0.95);
  const logit = (rng: Random): number => rng.uniform(-3, 3);
  const cases: Case[] = [
    { name: 'binaryCrossentropy', C: 3, rows: 4, pred: prob, target: (rng) => (rng.next() < 0.5 ? 0 : 1) },
    { name: 'binaryCrossentropy', C: 1, rows: 5, pred: prob, target: (rng) => rng.next() }, // soft labels
    { name: 'binaryCrossentropy', C: 2, rows: 3, options: { fromLogits: true }, pred: logit, target: (rng) => (rng.next() < 0.5 ? 0 : 1) },
    { name: 'categoricalCrossentropy', C: 4, rows: 3, pred: prob, target: (_rng, r, j) => (j === r % 4 ? 1 : 0) },
    { name: 'categoricalCrossentropy', C: 3, rows: 3, pred: prob, target: (_rng, _r, j) => [0.2, 0.3, 0.5][j] },
    { name: 'categoricalCrossentropy', C: 4, rows: 3, options: { fromLogits: true }, pred: logit, target: (_rng, r, j) => (j === (r + 1) % 4 ? 1 : 0) },
    { name: 'sparseCategoricalCrossentropy', C: 4, rows: 3, pred: prob, target: (_rng, r) => (r * 3) % 4, sparse: true },
    { name: 'sparseCategoricalCrossentropy', C: 5, rows: 2, options: { fromLogits: true }, pred: logit, target: (_rng, r) => r + 2, sparse: true },
    { name: 'meanSquaredError', C: 2, rows: 4, pred: logit, target: (rng) => rng.uniform(-3, 3) },
    // MAE / Huber: keep |d| and ||d| − δ| well above eps (kinks at 0 and ±δ)
    { name: 'meanAbsoluteError', C: 3, rows: 2, pred: () => 0, target: (_rng, r, j) => ((r + j) % 2 ? 1 : -1) * (0.3 + 0.2 * j) },
    { name: 'huber', C: 3, rows: 2, pred: () => 0, target: (_rng, r, j) => ((r + j) % 2 ? 1 : -1) * [0.4, 1.7, 2.5][j] },
    { name: 'huber', C: 2, rows: 2, options: { delta: 0.5 }, pred: () => 0, target: (_rng, r, j) => [0.2, -1.3, 0.9, -0.1][r * 2 + j] },
  ];
  for (const c of cases) {
    it(`${c.name}${c.options ? ' ' + JSON.stringify(c.options) : ''} C=${c.C}`, () => {
      const rng = new Random(3);
      const pred = Float32Array.from({ length: c.rows * c.C }, () => c.pred(rng));
      const target = c.sparse ? Array.from({ length: c.rows }, (_, r) => c.target(rng, r, 0)) : Array.from({ length: c.rows * c.C }, (_, i) => c.target(rng, Math.floor(i / c.C), i % c.C));
      const { grad } = computeLoss(c.name, pred, target, c.C, c.options);
      checkGradient(c.name, () => computeLoss(c.name, pred, target, c.C, c.options).loss, pred, grad, { eps: 1e-3, tol: 2e-3, samples: 100 });
    });
  }

  it('categoricalCrossentropy: a saturated (clipped) true-class probability has zero gradient', () => {
    // q0 = 0.99999999 > 1 − 1e-7 → clipped: the loss −log(1 − 1e-7) is locally constant in p,
    // so every entry of the row has gradient 0 (tf.clip_by_value passes no gradient when clipped).
    const { loss, grad } = computeLoss('categoricalCrossentropy', f32([0.99999999, 1e-9]), [1, 0], 2);
    close(loss, -Math.log(1 - 1e-7), 1e-6);
    assert.deepEqual(Array.from(grad), [0, 0]);
  });
});

describe('sparse vs categorical cross-entropy', () => {
  for (const fromLogits of [false, true]) {
    it(`identical loss and gradient (fromLogits: ${fromLogits})`, () => {
      const rng = new Random(5);
      const C = 5, rows = 6;
      const pred = Float32Array.from({ length: rows * C }, () => (fromLogits ? rng.uniform(-2, 2) : rng.uniform(0.01, 1)));
      const labels = Array.from({ length: rows }, () => rng.int(C));
      const oneHot = labels.flatMap((l) => Array.from({ length: C }, (_, j) => (j === l ? 1 : 0)));
      const s = computeLoss('sparseCategoricalCrossentropy', pred, labels, C, { fromLogits });
      const c = computeLoss('categoricalCrossentropy', pred, oneHot, C, { fromLogits });
      close(s.loss, c.loss, 1e-12, 'loss');
      assert.ok(s.loss > 0.1, 'non-trivial loss');
      for (let i = 0; i < s.grad.length; i++) close(s.grad[i], c.grad[i], 1e-7, `grad[${i}]`);
    });
  }
});
