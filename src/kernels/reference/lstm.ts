/**
 * Reference LSTM — the specification the fast backends are tested against.
 * Plain loops, one time step at a time, no tricks.
 *
 * Dimension legend: B batch, T time steps, D input features, H units.
 * Gate blocks (Keras): i | f | c | o, each H wide, in kernel [D, 4H], recurrentKernel [H, 4H], bias [4H].
 *
 *   z  = x_t·W + (h_{t−1} ⊙ m_rec)·U + b          [B, 4H]
 *   i = σ(z_i)  f = σ(z_f)  c̃ = act(z_c)  o = σ(z_o)   (σ = recurrentActivation)
 *   c_t = f ⊙ c_{t−1} + i ⊙ c̃
 *   h_t = o ⊙ act(c_t)
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels.js';
import { activate, activationDerivative } from './activations.js';
import { matmulAcc, matmulTransAAcc, matmulTransBAcc } from './matmul.js';
import { addStep, applyMask, checkInputProjection, inputStep, readStep, sumRowsInto, timeAt, writeStep } from './sequence.js';

interface LstmCache extends KernelCache {
  kind: 'lstm';
  args: RnnForwardArgs;
  // one entry per processing step s:
  hPrevMasked: Float32Array[]; // [B, H]
  cPrev: Float32Array[]; //       [B, H]
  z: Float32Array[]; //           [B, 4H] pre-activations
  gates: Float32Array[]; //       [B, 4H] activated i, f, c̃, o
  c: Float32Array[]; //           [B, H]
  actC: Float32Array[]; //        [B, H] act(c_t)
}

export function lstmForward(args: RnnForwardArgs): RnnForwardResult {
  const { recurrentKernel, bias, B, T, H, activation, recurrentActivation } = args;
  const G = 4 * H;
  checkInputProjection('lstmForward', args, G);
  const output = new Float32Array(B * T * H); // [B, T, H]
  let h: Float32Array = args.h0 ? args.h0.slice() : new Float32Array(B * H); // [B, H]
  let c: Float32Array = args.c0 ? args.c0.slice() : new Float32Array(B * H); // [B, H]
  const cache: LstmCache = { kind: 'lstm', args, hPrevMasked: [], cPrev: [], z: [], gates: [], c: [], actC: [] };

  for (let s = 0; s < T; s++) {
    const hm = applyMask(h, args.recurrentMask);
    const z = inputStep(args, s, G, bias); // [B, 4H] = x_t·W + b
    matmulAcc(z, hm, recurrentKernel, B, H, G);
    const gates = new Float32Array(B * G);
    const cNew = new Float32Array(B * H);
    const actC = new Float32Array(B * H);
    const hNew = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const r = b * G;
        const i = (gates[r + j] = activate(recurrentActivation, z[r + j]));
        const f = (gates[r + H + j] = activate(recurrentActivation, z[r + H + j]));
        const cc = (gates[r + 2 * H + j] = activate(activation, z[r + 2 * H + j]));
        const o = (gates[r + 3 * H + j] = activate(recurrentActivation, z[r + 3 * H + j]));
        const k = b * H + j;
        cNew[k] = f * c[k] + i * cc;
        actC[k] = activate(activation, cNew[k]);
        hNew[k] = o * actC[k];
      }
    }
    if (args.training) {
      cache.hPrevMasked.push(hm);
      cache.cPrev.push(c);
      cache.z.push(z);
      cache.gates.push(gates);
      cache.c.push(cNew);
      cache.actC.push(actC);
    }
    writeStep(output, hNew, s, B, T, H);
    h = hNew;
    c = cNew;
  }
  return { output, hLast: h, cLast: c, cache: args.training ? cache : null };
}

export function lstmBackward({ cache: anyCache, dOutput, dhLast, dcLast }: RnnBackwardArgs): RnnBackwardResult {
  const cache = anyCache as LstmCache;
  if (cache.kind !== 'lstm') throw new Error(`lstmBackward: got a ${cache.kind} cache`);
  const { kernel, recurrentKernel, bias, B, T, D, H, goBackwards, activation, recurrentActivation, recurrentMask } = cache.args;
  const G = 4 * H;
  const dx = new Float32Array(B * T * D);
  const dKernel = new Float32Array(D * G);
  const dRecurrentKernel = new Float32Array(H * G);
  const dBias = bias ? new Float32Array(G) : null;
  let dhNext: Float32Array = dhLast ? dhLast.slice() : new Float32Array(B * H); // gradient flowing into h_s from later steps
  let dcNext: Float32Array = dcLast ? dcLast.slice() : new Float32Array(B * H);

  for (let s = T - 1; s >= 0; s--) {
    const dh = dOutput ? readStep(dOutput, s, B, T, H) : new Float32Array(B * H);
    for (let k = 0; k < B * H; k++) dh[k] += dhNext[k];
    const gates = cache.gates[s];
    const z = cache.z[s];
    const cPrev = cache.cPrev[s];
    const c = cache.c[s];
    const actC = cache.actC[s];
    const dz = new Float32Array(B * G); // [B, 4H]
    const dcPrev = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const r = b * G;
        const i = gates[r + j], f = gates[r + H + j], cc = gates[r + 2 * H + j], o = gates[r + 3 * H + j];
        const dc = dcNext[k] + dh[k] * o * activationDerivative(activation, c[k], actC[k]);
        dz[r + j] = dc * cc * activationDerivative(recurrentActivation, z[r + j], i);
        dz[r + H + j] = dc * cPrev[k] * activationDerivative(recurrentActivation, z[r + H + j], f);
        dz[r + 2 * H + j] = dc * i * activationDerivative(activation, z[r + 2 * H + j], cc);
        dz[r + 3 * H + j] = dh[k] * actC[k] * activationDerivative(recurrentActivation, z[r + 3 * H + j], o);
        dcPrev[k] = dc * f;
      }
    }
    const t = timeAt(s, T, goBackwards);
    const xt = readStep(cache.args.x, t, B, T, D);
    matmulTransAAcc(dKernel, xt, dz, B, D, G);
    matmulTransAAcc(dRecurrentKernel, cache.hPrevMasked[s], dz, B, H, G);
    if (dBias) sumRowsInto(dBias, dz, B, G);
    const dxt = new Float32Array(B * D);
    matmulTransBAcc(dxt, dz, kernel, B, G, D);
    addStep(dx, dxt, t, B, T, D);
    const dhPrev = new Float32Array(B * H);
    matmulTransBAcc(dhPrev, dz, recurrentKernel, B, G, H);
    dhNext = applyMask(dhPrev, recurrentMask);
    dcNext = dcPrev;
  }
  return { dx, dKernel, dRecurrentKernel, dBias, dh0: dhNext, dc0: dcNext };
}
