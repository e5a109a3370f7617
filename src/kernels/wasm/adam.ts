/**
 * Adam / AdamW on the wasm backend. When the parameter, its gradient and both
 * moments live in wasm memory (persistentFloats) the update runs there in
 * place, split across threads; otherwise large parameters are copied through
 * wasm in cache-sized chunks and small ones use a JS loop. param, grad, m, v: [n] floats.
 */
import type { AdamUpdateArgs } from '../kernels.js';
import type { WasmRuntime } from './runtime.js';

const ADAM_WASM_MIN = 4096;
const ADAM_CHUNK = 32768;

export function adamUpdate(rt: WasmRuntime, { param, grad, m, v, learningRate, beta1, beta2, epsilon, step, weightDecay }: AdamUpdateArgs): void {
  const alpha = (learningRate * Math.sqrt(1 - Math.pow(beta2, step))) / (1 - Math.pow(beta1, step));
  const decay = 1 - weightDecay * learningRate;
  const n = param.length;
  const offs = [param, grad, m, v].map((a) => rt.residentOffset(a));
  if (offs.every((o) => o >= 0)) {
    // everything already in wasm memory (persistentFloats): update in place, split across threads. The work
    // estimate (8 per element: 4 arrays read, 3 written) splits an embedding table of ≥ 128 k floats (each
    // thread then also updates the rows it reads first in the next step's table projection, split the same
    // way): seed LSTM training 1–7% faster in A/B than with the table updated on one thread
    const [pp, pg, pm, pv] = offs;
    rt.run(
      rt.ranges(n, n * 8, 4).map(([i0, i1]) => ({
        fn: 'adam' as const,
        args: [pp + i0 * 4, pg + i0 * 4, pm + i0 * 4, pv + i0 * 4, i1 - i0, alpha, beta1, beta2, epsilon, decay],
      })),
    );
    return;
  }
  if (n >= ADAM_WASM_MIN) {
    // chunks stay cache-resident between copy-in, update and copy-out
    const chunk = Math.min(n, ADAM_CHUNK);
    const base = rt.alloc(chunk * 16);
    const [pp, pg, pm, pv] = [base, base + chunk * 4, base + chunk * 8, base + chunk * 12];
    for (let i0 = 0; i0 < n; i0 += chunk) {
      const c = Math.min(chunk, n - i0);
      rt.f32(pp, c).set(param.subarray(i0, i0 + c));
      rt.f32(pg, c).set(grad.subarray(i0, i0 + c));
      rt.f32(pm, c).set(m.subarray(i0, i0 + c));
      rt.f32(pv, c).set(v.subarray(i0, i0 + c));
      rt.exports.adam(pp, pg, pm, pv, c, alpha, beta1, beta2, epsilon, decay);
      param.set(rt.f32(pp, c), i0);
      m.set(rt.f32(pm, c), i0);
      v.set(rt.f32(pv, c), i0);
    }
    rt.release(base);
    return;
  }
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  if (weightDecay !== 0) for (let i = 0; i < n; i++) param[i] *= decay;
  for (let i = 0; i < n; i++) {
    const g = grad[i];
    const mi = (m[i] += (g - m[i]) * c1);
    const vi = (v[i] += (g * g - v[i]) * c2);
    param[i] -= (alpha * mi) / (Math.sqrt(vi) + epsilon);
  }
}
