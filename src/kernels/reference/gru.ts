/**
 * Reference GRU — the specification the fast backends are tested against.
 *
 * Dimension legend: B batch, T time steps, D input features, H units.
 * Gate blocks (Keras): z | r | h, each H wide, in kernel [D, 3H] and recurrentKernel [H, 3H].
 * hm = h_{t−1} ⊙ m_rec (recurrent dropout enters only the recurrent products).
 *
 * resetAfter = true (Keras 3 default, PyTorch, cuDNN), bias [2, 3H] = [input bias; recurrent bias]:
 *   xp = x_t·W + b_in        rp = hm·U + b_rec                      [B, 3H]
 *   z = σ(xp_z + rp_z)   r = σ(xp_r + rp_r)   h̃ = act(xp_h + r ⊙ rp_h)
 * resetAfter = false (original GRU), bias [3H]:
 *   xp = x_t·W + b
 *   z = σ(xp_z + hm·U_z)   r = σ(xp_r + hm·U_r)   h̃ = act(xp_h + (r ⊙ hm)·U_h)
 * Both: h_t = z ⊙ h_{t−1} + (1 − z) ⊙ h̃
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels.js';
import { activate, activationDerivative } from './activations.js';
import { matmulAcc, matmulTransAAcc, matmulTransBAcc } from './matmul.js';
import { addStep, applyMask, checkInputProjection, inputStep, readStep, rowsOfBias, sumRowsInto, timeAt, writeStep } from './sequence.js';

interface GruCache extends KernelCache {
  kind: 'gru';
  args: RnnForwardArgs;
  hPrev: Float32Array[]; //       [B, H]
  hPrevMasked: Float32Array[]; // [B, H]
  pre: Float32Array[]; //         [B, 3H] pre-activations of z, r, h̃
  gates: Float32Array[]; //       [B, 3H] z, r, h̃
  recH: Float32Array[]; //        [B, H]  resetAfter: rp_h (recurrent part of h̃ before the reset gate)
  resetHidden: Float32Array[]; // [B, H]  resetAfter=false: r ⊙ hm
}

/** Column block `g` (H wide) of a [rows, 3H] matrix, as a [rows, H] copy. */
function columnBlock(m: Float32Array, rows: number, H: number, g: number): Float32Array {
  const out = new Float32Array(rows * H);
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * 3 * H + g * H, r * 3 * H + (g + 1) * H), r * H);
  return out;
}

export function gruForward(args: RnnForwardArgs): RnnForwardResult {
  const { recurrentKernel, bias, B, T, H, activation, recurrentActivation } = args;
  const resetAfter = args.resetAfter ?? true;
  const G = 3 * H;
  checkInputProjection('gruForward', args, G);
  const output = new Float32Array(B * T * H); // [B, T, H]
  let h: Float32Array = args.h0 ? args.h0.slice() : new Float32Array(B * H);
  const cache: GruCache = { kind: 'gru', args, hPrev: [], hPrevMasked: [], pre: [], gates: [], recH: [], resetHidden: [] };

  for (let s = 0; s < T; s++) {
    const hm = applyMask(h, args.recurrentMask);
    const xp = inputStep(args, s, G, bias, 0); // [B, 3H] = x_t·W + input bias (row 0)
    const rp = resetAfter ? rowsOfBias(bias, B, G, 1) : new Float32Array(B * G); // [B, 3H]
    matmulAcc(rp, hm, recurrentKernel, B, H, G); // resetAfter=false only uses the z and r blocks of this
    const pre = new Float32Array(B * G);
    const gates = new Float32Array(B * G);
    const recH = new Float32Array(B * H);
    const resetHidden = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const r0 = b * G;
        pre[r0 + j] = xp[r0 + j] + rp[r0 + j];
        pre[r0 + H + j] = xp[r0 + H + j] + rp[r0 + H + j];
        gates[r0 + j] = activate(recurrentActivation, pre[r0 + j]);
        gates[r0 + H + j] = activate(recurrentActivation, pre[r0 + H + j]);
      }
    }
    if (resetAfter) {
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const r0 = b * G;
          recH[b * H + j] = rp[r0 + 2 * H + j];
          pre[r0 + 2 * H + j] = xp[r0 + 2 * H + j] + gates[r0 + H + j] * rp[r0 + 2 * H + j];
        }
      }
    } else {
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) resetHidden[b * H + j] = gates[b * G + H + j] * hm[b * H + j];
      const Uh = columnBlock(recurrentKernel, H, H, 2); // [H, H]
      const hProj = new Float32Array(B * H);
      matmulAcc(hProj, resetHidden, Uh, B, H, H);
      for (let b = 0; b < B; b++) for (let j = 0; j < H; j++) pre[b * G + 2 * H + j] = xp[b * G + 2 * H + j] + hProj[b * H + j];
    }
    const hNew = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const r0 = b * G;
        const hh = (gates[r0 + 2 * H + j] = activate(activation, pre[r0 + 2 * H + j]));
        const z = gates[r0 + j];
        hNew[b * H + j] = z * h[b * H + j] + (1 - z) * hh;
      }
    }
    if (args.training) {
      cache.hPrev.push(h);
      cache.hPrevMasked.push(hm);
      cache.pre.push(pre);
      cache.gates.push(gates);
      cache.recH.push(recH);
      cache.resetHidden.push(resetHidden);
    }
    writeStep(output, hNew, s, B, T, H);
    h = hNew;
  }
  return { output, hLast: h, cLast: null, cache: args.training ? cache : null };
}

export function gruBackward({ cache: anyCache, dOutput, dhLast }: RnnBackwardArgs): RnnBackwardResult {
  const cache = anyCache as GruCache;
  if (cache.kind !== 'gru') throw new Error(`gruBackward: got a ${cache.kind} cache`);
  const { kernel, recurrentKernel, bias, B, T, D, H, goBackwards, activation, recurrentActivation, recurrentMask } = cache.args;
  const resetAfter = cache.args.resetAfter ?? true;
  const G = 3 * H;
  const dx = new Float32Array(B * T * D);
  const dKernel = new Float32Array(D * G);
  const dRecurrentKernel = new Float32Array(H * G);
  const dBias = bias ? new Float32Array(bias.length) : null;
  const Uh = columnBlock(recurrentKernel, H, H, 2); // [H, H]
  let dhNext: Float32Array = dhLast ? dhLast.slice() : new Float32Array(B * H);

  for (let s = T - 1; s >= 0; s--) {
    const dh = dOutput ? readStep(dOutput, s, B, T, H) : new Float32Array(B * H);
    for (let k = 0; k < B * H; k++) dh[k] += dhNext[k];
    const hPrev = cache.hPrev[s];
    const hm = cache.hPrevMasked[s];
    const pre = cache.pre[s];
    const gates = cache.gates[s];
    const dxp = new Float32Array(B * G); // gradient of the input projection x·W + b_in
    const drp = new Float32Array(B * G); // gradient of the recurrent projection hm·U (+ b_rec)
    const dhPrev = new Float32Array(B * H); // direct path through z ⊙ h_{t−1}
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        const r0 = b * G;
        const z = gates[r0 + j], r = gates[r0 + H + j], hh = gates[r0 + 2 * H + j];
        dhPrev[k] = dh[k] * z;
        const daz = dh[k] * (hPrev[k] - hh) * activationDerivative(recurrentActivation, pre[r0 + j], z);
        const dah = dh[k] * (1 - z) * activationDerivative(activation, pre[r0 + 2 * H + j], hh);
        dxp[r0 + j] = daz;
        drp[r0 + j] = daz;
        dxp[r0 + 2 * H + j] = dah;
        if (resetAfter) {
          const recH = cache.recH[s][k];
          const dar = dah * recH * activationDerivative(recurrentActivation, pre[r0 + H + j], r);
          dxp[r0 + H + j] = dar;
          drp[r0 + H + j] = dar;
          drp[r0 + 2 * H + j] = dah * r;
        }
      }
    }
    if (!resetAfter) {
      // h̃ path: pre_h = xp_h + (r ⊙ hm)·U_h
      const dah = columnBlock(dxp, B, H, 2); // [B, H]
      const dResetHidden = new Float32Array(B * H);
      matmulTransBAcc(dResetHidden, dah, Uh, B, H, H);
      const dUh = new Float32Array(H * H);
      matmulTransAAcc(dUh, cache.resetHidden[s], dah, B, H, H);
      for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) dRecurrentKernel[i * G + 2 * H + j] += dUh[i * H + j];
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const k = b * H + j;
          const r0 = b * G;
          const r = gates[r0 + H + j];
          const dar = dResetHidden[k] * hm[k] * activationDerivative(recurrentActivation, pre[r0 + H + j], r);
          dxp[r0 + H + j] = dar;
          drp[r0 + H + j] = dar;
          // the r ⊙ hm product also feeds hm; added to dhm below through `extra`
          dResetHidden[k] *= r;
        }
      }
      // dhm from the h̃ path, masked like the rest
      const extra = applyMask(dResetHidden, recurrentMask);
      for (let k = 0; k < B * H; k++) dhPrev[k] += extra[k];
    }
    const t = timeAt(s, T, goBackwards);
    const xt = readStep(cache.args.x, t, B, T, D);
    matmulTransAAcc(dKernel, xt, dxp, B, D, G);
    // resetAfter=false: only the z and r blocks of U multiply hm directly (drp's h block is zero here;
    // U_h's gradient was added above through r ⊙ hm)
    matmulTransAAcc(dRecurrentKernel, hm, drp, B, H, G);
    if (dBias) {
      sumRowsInto(dBias, dxp, B, G, 0);
      if (resetAfter) sumRowsInto(dBias, drp, B, G, G);
    }
    const dxt = new Float32Array(B * D);
    matmulTransBAcc(dxt, dxp, kernel, B, G, D);
    addStep(dx, dxt, t, B, T, D);
    const dhm = new Float32Array(B * H);
    matmulTransBAcc(dhm, drp, recurrentKernel, B, G, H);
    const masked = applyMask(dhm, recurrentMask);
    for (let k = 0; k < B * H; k++) dhPrev[k] += masked[k];
    dhNext = dhPrev;
  }
  return { dx, dKernel, dRecurrentKernel, dBias, dh0: dhNext, dc0: null };
}
