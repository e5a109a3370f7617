// Optimizer steps against the Keras 3 update rules (keras/src/optimizers/*.py),
// transcribed below in float64; the library works in float32, so agreement is
// to ~1e-6 relative.
//
//   SGD      (sgd.py)      momentum = 0:  w −= lr·g
//                          m = μ·m − lr·g;  w += m            (Nesterov: w += μ·m − lr·g)
//   Adam     (adam.py)     t = iterations + 1
//                          α = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)
//                          m += (g − m)(1 − β₁);  v += (g² − v)(1 − β₂)
//                          w −= α·m / (√v + ε)
//   AdamW    (adamw.py + base_optimizer._apply_weight_decay, applied before the step)
//                          w −= w·wd·lr;  then the Adam step     (default wd 0.004)
//   RMSprop  (rmsprop.py)  v = ρ·v + (1−ρ)·g²
//                          centered: a = ρ·a + (1−ρ)·g;  den = v − a² + ε   else den = v + ε
//                          inc = lr·g/√den;  momentum > 0: m = μ·m + inc; w −= m   else w −= inc
//   Clipping (base_optimizer._clip_gradients, before weight decay and the step)
//     clipnorm        per variable: g·c / max(‖g‖, c)
//     globalClipnorm  all variables: g·c / max(‖G‖, c), ‖G‖ = √Σ‖g_i‖²
//     clipvalue       elementwise clip to [−c, c]
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveBackend } from '../../src/kernels/backend.js';
import { optimizers, Sequential, layers } from '../../src/index.js';
import type { Optimizer } from '../../src/optimizers/optimizer.js';
import { getOptimizer } from '../../src/optimizers/index.js';

const kernels = resolveBackend();

function assertClose(got: ArrayLike<number>, want: number[], what: string, tol = 2e-6): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(Math.abs(got[i] - want[i]) <= tol * Math.max(1, Math.abs(want[i])), `${what}[${i}]: got ${got[i]}, expected ${want[i]}`);
  }
}

const W0 = [1, -0.5, 2, 0.25];
const G1 = [0.5, -0.2, 0.1, -3];
const G2 = [0.4, 0.3, -0.2, -1];

/** Runs the optimizer on one variable for the given gradients; returns the weights after each step. */
function run(opt: Optimizer, grads: number[][], w0 = W0): Float32Array[] {
  const value = Float32Array.from(w0);
  const out: Float32Array[] = [];
  for (const g of grads) {
    opt.apply([{ value, grad: Float32Array.from(g) }], kernels);
    out.push(value.slice());
  }
  return out;
}

// ---- float64 transcriptions of the Keras rules ----
function kerasSgd(lr: number, momentum: number, nesterov: boolean, grads: number[][]): number[][] {
  const w = [...W0];
  const m = W0.map(() => 0);
  return grads.map((g) => {
    for (let i = 0; i < w.length; i++) {
      if (momentum === 0) w[i] -= lr * g[i];
      else {
        m[i] = momentum * m[i] - lr * g[i];
        w[i] += nesterov ? momentum * m[i] - lr * g[i] : m[i];
      }
    }
    return [...w];
  });
}

function kerasAdam(lr: number, b1: number, b2: number, eps: number, wd: number, grads: number[][]): number[][] {
  const w = [...W0];
  const m = W0.map(() => 0);
  const v = W0.map(() => 0);
  return grads.map((g, k) => {
    const t = k + 1;
    const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    for (let i = 0; i < w.length; i++) {
      w[i] -= w[i] * wd * lr;
      m[i] += (g[i] - m[i]) * (1 - b1);
      v[i] += (g[i] * g[i] - v[i]) * (1 - b2);
      w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
    }
    return [...w];
  });
}

function kerasRmsprop(lr: number, rho: number, momentum: number, eps: number, centered: boolean, grads: number[][]): number[][] {
  const w = [...W0];
  const v = W0.map(() => 0);
  const a = W0.map(() => 0);
  const m = W0.map(() => 0);
  return grads.map((g) => {
    for (let i = 0; i < w.length; i++) {
      v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
      let den = v[i] + eps;
      if (centered) {
        a[i] = rho * a[i] + (1 - rho) * g[i];
        den = v[i] - a[i] * a[i] + eps;
      }
      const inc = (lr * g[i]) / Math.sqrt(den);
      if (momentum > 0) {
        m[i] = momentum * m[i] + inc;
        w[i] -= m[i];
      } else w[i] -= inc;
    }
    return [...w];
  });
}

describe('SGD', () => {
  it('plain: w −= lr·g (hand values)', () => {
    const [s1, s2] = run(optimizers.sgd({ learningRate: 0.1 }), [G1, G2]);
    assertClose(s1, [0.95, -0.48, 1.99, 0.55], 'step 1');
    assertClose(s2, [0.91, -0.51, 2.01, 0.65], 'step 2');
  });
  it('default learning rate is 0.01', () => {
    const [s1] = run(optimizers.sgd(), [G1]);
    assertClose(s1, [0.995, -0.498, 1.999, 0.28], 'step 1');
  });
  it('momentum 0.9 (hand values for element 0: m = −0.05, w = 0.95; m = −0.085, w = 0.865)', () => {
    const steps = run(optimizers.sgd({ learningRate: 0.1, momentum: 0.9 }), [G1, G2]);
    assert.ok(Math.abs(steps[1][0] - 0.865) < 1e-6, `w0 after 2 steps ${steps[1][0]}`);
    const want = kerasSgd(0.1, 0.9, false, [G1, G2]);
    steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
  });
  it('nesterov (element 0: w = 1 + 0.9·(−0.05) − 0.05 = 0.905; then m = −0.085, w = 0.905 − 0.0765 − 0.04 = 0.7885)', () => {
    const steps = run(optimizers.sgd({ learningRate: 0.1, momentum: 0.9, nesterov: true }), [G1, G2]);
    assert.ok(Math.abs(steps[0][0] - 0.905) < 1e-6, `w0 after 1 step ${steps[0][0]}`);
    assert.ok(Math.abs(steps[1][0] - 0.7885) < 1e-6, `w0 after 2 steps ${steps[1][0]}`);
    const want = kerasSgd(0.1, 0.9, true, [G1, G2]);
    steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
  });
});

describe('Adam / AdamW', () => {
  it('Adam step 1 moves each weight by ≈ lr·sign(g) (bias correction)', () => {
    // t=1: m = 0.1g, v = 0.001g², α = lr·√0.001/0.1 → Δ = lr·g/(|g| + ε/√0.001)
    const [s1] = run(optimizers.adam({ learningRate: 0.01 }), [G1]);
    const want = W0.map((w, i) => w - (0.01 * G1[i]) / (Math.abs(G1[i]) + 1e-7 / Math.sqrt(0.001)));
    assertClose(s1, want, 'step 1');
    assertClose(s1, [0.99, -0.49, 1.99, 0.26], 'step 1 (rounded)', 1e-5);
  });
  it('Adam two steps, defaults (lr 1e-3, β 0.9/0.999, ε 1e-7)', () => {
    const opt = optimizers.adam();
    assert.deepEqual([opt.learningRate, opt.beta1, opt.beta2, opt.epsilon], [0.001, 0.9, 0.999, 1e-7]);
    const steps = run(opt, [G1, G2]);
    const want = kerasAdam(0.001, 0.9, 0.999, 1e-7, 0, [G1, G2]);
    steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
    assert.equal(opt.iterations, 2);
  });
  it('Adam with a large epsilon and custom betas', () => {
    const steps = run(optimizers.adam({ learningRate: 0.05, beta1: 0.5, beta2: 0.9, epsilon: 0.1 }), [G1, G2, G1]);
    const want = kerasAdam(0.05, 0.5, 0.9, 0.1, 0, [G1, G2, G1]);
    steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
  });
  it('AdamW: decoupled decay w −= w·wd·lr before the Adam step (default wd 0.004)', () => {
    const steps = run(optimizers.adamw({ learningRate: 0.1 }), [G1, G2]);
    const want = kerasAdam(0.1, 0.9, 0.999, 1e-7, 0.004, [G1, G2]);
    steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
    const big = run(optimizers.adamw({ learningRate: 0.1, weightDecay: 0.5 }), [G1, G2]);
    const wantBig = kerasAdam(0.1, 0.9, 0.999, 1e-7, 0.5, [G1, G2]);
    big.forEach((s, k) => assertClose(s, wantBig[k], `wd 0.5 step ${k + 1}`));
    // zero gradient: only the decay acts (Adam's step is 0 when m = 0)
    const [decayOnly] = run(optimizers.adamw({ learningRate: 0.1, weightDecay: 0.5 }), [[0, 0, 0, 0]]);
    assertClose(decayOnly, W0.map((w) => w * 0.95), 'decay only');
  });
});

describe('RMSprop', () => {
  it('plain, one step by hand: v = 0.1g², w −= lr·g/√(0.1g² + ε)', () => {
    const [s1] = run(optimizers.rmsprop({ learningRate: 0.01 }), [G1]);
    assertClose(s1, W0.map((w, i) => w - (0.01 * G1[i]) / Math.sqrt(0.1 * G1[i] ** 2 + 1e-7)), 'step 1');
    // ≈ w − 0.01·sign(g)·√10
    assertClose(s1, W0.map((w, i) => w - 0.01 * Math.sign(G1[i]) * Math.sqrt(10)), 'step 1 (rounded)', 1e-4);
  });
  for (const [name, opts] of [
    ['plain', { centered: false, momentum: 0 }],
    ['centered', { centered: true, momentum: 0 }],
    ['momentum 0.8', { centered: false, momentum: 0.8 }],
    ['centered + momentum 0.5', { centered: true, momentum: 0.5 }],
  ] as const) {
    it(`${name}, three steps`, () => {
      const steps = run(optimizers.rmsprop({ learningRate: 0.01, rho: 0.8, ...opts }), [G1, G2, G1]);
      const want = kerasRmsprop(0.01, 0.8, opts.momentum, 1e-7, opts.centered, [G1, G2, G1]);
      steps.forEach((s, k) => assertClose(s, want[k], `step ${k + 1}`));
    });
  }
});

describe('gradient clipping', () => {
  it('clipnorm scales each variable separately to norm ≤ c', () => {
    const opt = optimizers.sgd({ learningRate: 1, clipnorm: 1 });
    const a = { value: new Float32Array(2), grad: Float32Array.from([3, 4]) }; // norm 5 → [0.6, 0.8]
    const b = { value: new Float32Array(2), grad: Float32Array.from([0.3, 0.4]) }; // norm 0.5: untouched
    opt.apply([a, b], kernels);
    assertClose(a.value, [-0.6, -0.8], 'clipped variable');
    assertClose(b.value, [-0.3, -0.4], 'small variable');
  });
  it('globalClipnorm scales all gradients by c / ‖G‖', () => {
    const opt = optimizers.sgd({ learningRate: 1, globalClipnorm: 1 });
    const a = { value: new Float32Array(2), grad: Float32Array.from([3, 4]) };
    const b = { value: new Float32Array(1), grad: Float32Array.from([12]) }; // ‖G‖ = 13
    opt.apply([a, b], kernels);
    assertClose(a.value, [-3 / 13, -4 / 13], 'a');
    assertClose(b.value, [-12 / 13], 'b');
    // below the threshold nothing changes
    const c = { value: new Float32Array(2), grad: Float32Array.from([0.3, 0.4]) };
    optimizers.sgd({ learningRate: 1, globalClipnorm: 1 }).apply([c], kernels);
    assertClose(c.value, [-0.3, -0.4], 'unclipped');
  });
  it('clipvalue clips elementwise', () => {
    const opt = optimizers.sgd({ learningRate: 1, clipvalue: 0.5 });
    const a = { value: new Float32Array(4), grad: Float32Array.from([3, -4, 0.2, -0.5]) };
    opt.apply([a], kernels);
    assertClose(a.value, [-0.5, 0.5, -0.2, 0.5], 'clipped');
  });
  it('clipping happens before Adam sees the gradient (moments built from the clipped gradient)', () => {
    // clipnorm 1 on g = [3, 4] → [0.6, 0.8]; Adam step 1 ≈ lr·sign regardless, so check step 2 with g = [0.3, 0]
    const opt = optimizers.adam({ learningRate: 0.1, clipnorm: 1 });
    const value = new Float32Array(2);
    opt.apply([{ value, grad: Float32Array.from([3, 4]) }], kernels);
    opt.apply([{ value, grad: Float32Array.from([0.3, 0]) }], kernels);
    const ref = { m: [0, 0], v: [0, 0], w: [0, 0] };
    [[0.6, 0.8], [0.3, 0]].forEach((g, k) => {
      const t = k + 1;
      const alpha = (0.1 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t);
      for (let i = 0; i < 2; i++) {
        ref.m[i] += (g[i] - ref.m[i]) * 0.1;
        ref.v[i] += (g[i] * g[i] - ref.v[i]) * 0.001;
        ref.w[i] -= (alpha * ref.m[i]) / (Math.sqrt(ref.v[i]) + 1e-7);
      }
    });
    assertClose(value, ref.w, 'after two clipped steps');
  });
  it('only one clipping option at a time, as Keras', () => {
    assert.throws(() => optimizers.sgd({ clipnorm: 1, clipvalue: 1 }), /only one of clipnorm, clipvalue and globalClipnorm/);
  });
});

describe('optimizer resolution', () => {
  it('names resolve to fresh optimizers with Keras defaults', () => {
    const cases: [string, string, number][] = [['sgd', 'sgd', 0.01], ['adam', 'adam', 0.001], ['adamw', 'adamw', 0.001], ['rmsprop', 'rmsprop', 0.001], ['Adam', 'adam', 0.001]];
    for (const [spec, name, lr] of cases) {
      const opt = getOptimizer(spec as 'adam');
      assert.equal(opt.name, name);
      assert.equal(opt.learningRate, lr);
    }
    assert.notEqual(getOptimizer('adam'), getOptimizer('adam'), 'fresh state per call');
  });
  it('unknown names and invalid learning rates throw', () => {
    assert.throws(() => getOptimizer('adagrad' as 'adam'), /unknown optimizer "adagrad"/);
    assert.throws(() => optimizers.adam({ learningRate: 0 }), /learningRate must be positive/);
  });
  it('model training applies the update only to trainable layers', () => {
    const frozen = layers.dense({ units: 2, inputShape: [3], trainable: false });
    const model = new Sequential([frozen, layers.dense({ units: 1 })], { seed: 1 });
    model.compile({ optimizer: optimizers.sgd({ learningRate: 0.5 }), loss: 'mse' });
    const before = model.getWeights();
    model.trainOnBatch([[1, 2, 3], [0, -1, 1]], [[1], [-1]]);
    const after = model.getWeights();
    assert.deepEqual(Array.from(after[0].data), Array.from(before[0].data), 'frozen kernel unchanged');
    assert.deepEqual(Array.from(after[1].data), Array.from(before[1].data), 'frozen bias unchanged');
    assert.notDeepEqual(Array.from(after[2].data), Array.from(before[2].data), 'trainable kernel updated');
  });
});
