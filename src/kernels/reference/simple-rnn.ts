/**
 * Reference SimpleRNN — the specification the fast backends are tested against.
 *
 * Dimension legend: B batch, T time steps, D input features, H units.
 *   a_t = x_t·W + b + (h_{t−1} ⊙ m_rec)·U      [B, H]
 *   h_t = act(a_t)
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels.js';
import { activate, activationDerivative } from './activations.js';
import { matmulAcc, matmulTransAAcc, matmulTransBAcc } from './matmul.js';
import { addStep, applyMask, checkInputProjection, inputStep, readStep, sumRowsInto, timeAt, writeStep } from './sequence.js';

interface SimpleRnnCache extends KernelCache {
  kind: 'simpleRNN';
  args: RnnForwardArgs;
  hPrevMasked: Float32Array[]; // [B, H]
  pre: Float32Array[]; //         [B, H]
  h: Float32Array[]; //           [B, H]
}

export function simpleRnnForward(args: RnnForwardArgs): RnnForwardResult {
  const { recurrentKernel, bias, B, T, H, activation } = args;
  checkInputProjection('simpleRnnForward', args, H);
  const output = new Float32Array(B * T * H);
  let h: Float32Array = args.h0 ? args.h0.slice() : new Float32Array(B * H);
  const cache: SimpleRnnCache = { kind: 'simpleRNN', args, hPrevMasked: [], pre: [], h: [] };
  for (let s = 0; s < T; s++) {
    const hm = applyMask(h, args.recurrentMask);
    const pre = inputStep(args, s, H, bias); // x_t·W + b
    matmulAcc(pre, hm, recurrentKernel, B, H, H);
    const hNew = new Float32Array(B * H);
    for (let k = 0; k < B * H; k++) hNew[k] = activate(activation, pre[k]);
    if (args.training) {
      cache.hPrevMasked.push(hm);
      cache.pre.push(pre);
      cache.h.push(hNew);
    }
    writeStep(output, hNew, s, B, T, H);
    h = hNew;
  }
  return { output, hLast: h, cLast: null, cache: args.training ? cache : null };
}

export function simpleRnnBackward({ cache: anyCache, dOutput, dhLast }: RnnBackwardArgs): RnnBackwardResult {
  const cache = anyCache as SimpleRnnCache;
  if (cache.kind !== 'simpleRNN') throw new Error(`simpleRnnBackward: got a ${cache.kind} cache`);
  const { kernel, recurrentKernel, bias, B, T, D, H, goBackwards, activation, recurrentMask } = cache.args;
  const dx = new Float32Array(B * T * D);
  const dKernel = new Float32Array(D * H);
  const dRecurrentKernel = new Float32Array(H * H);
  const dBias = bias ? new Float32Array(H) : null;
  let dhNext: Float32Array = dhLast ? dhLast.slice() : new Float32Array(B * H);
  for (let s = T - 1; s >= 0; s--) {
    const dh = dOutput ? readStep(dOutput, s, B, T, H) : new Float32Array(B * H);
    const pre = cache.pre[s];
    const h = cache.h[s];
    const da = new Float32Array(B * H);
    for (let k = 0; k < B * H; k++) da[k] = (dh[k] + dhNext[k]) * activationDerivative(activation, pre[k], h[k]);
    const t = timeAt(s, T, goBackwards);
    matmulTransAAcc(dKernel, readStep(cache.args.x, t, B, T, D), da, B, D, H);
    matmulTransAAcc(dRecurrentKernel, cache.hPrevMasked[s], da, B, H, H);
    if (dBias) sumRowsInto(dBias, da, B, H);
    const dxt = new Float32Array(B * D);
    matmulTransBAcc(dxt, da, kernel, B, H, D);
    addStep(dx, dxt, t, B, T, D);
    const dhPrev = new Float32Array(B * H);
    matmulTransBAcc(dhPrev, da, recurrentKernel, B, H, H);
    dhNext = applyMask(dhPrev, recurrentMask);
  }
  return { dx, dKernel, dRecurrentKernel, dBias, dh0: dhNext, dc0: null };
}
