/**
 * Finite-difference gradient checking. Central differences of a scalar loss
 * computed in float64 from float32 kernels; eps is sized for float32 noise.
 */
import assert from 'node:assert/strict';
import { Random } from '../../src/random.js';

export function randomArray(rng: Random, n: number, scale = 0.5): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

/** Σ a·w in float64 — a generic scalar loss whose gradient w.r.t. a is w. */
export function dot(a: Float32Array, w: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * w[i];
  return s;
}

/**
 * Compares `analytic` with central differences of `loss` w.r.t. `param`
 * (perturbed in place, restored after) at `samples` indices (all when small).
 */
export function checkGradient(
  name: string,
  loss: () => number,
  param: Float32Array,
  analytic: Float32Array,
  { eps = 1e-3, tol = 3e-3, samples = 12, rng = new Random(7) }: { eps?: number; tol?: number; samples?: number; rng?: Random } = {},
): void {
  assert.equal(analytic.length, param.length, `${name}: gradient length`);
  const idx = param.length <= samples ? [...param.keys()] : Array.from({ length: samples }, () => rng.int(param.length));
  for (const i of idx) {
    const orig = param[i];
    param[i] = orig + eps;
    const up = loss();
    param[i] = orig - eps;
    const down = loss();
    param[i] = orig;
    const numeric = (up - down) / (2 * eps);
    const err = Math.abs(numeric - analytic[i]);
    const scale = Math.max(1, Math.abs(numeric), Math.abs(analytic[i]));
    assert.ok(err <= tol * scale, `${name}[${i}]: analytic ${analytic[i]} vs numeric ${numeric} (err ${err.toExponential(2)})`);
  }
}
