// GRU: fused forward and backward time loops, gates z|r|h (Keras order), both
// reset_after = true (the default, recurrent bias) and reset_after = false.
// Dimensions: T time, SB full batch (the step stride), Bs rows of this batch slice, H units,
// G gates (G = 3H). Buffers are time-major [T, SB, ·], pointers already offset to the slice.

import { ld, st } from '../simd';
import { K_ONE, SIGMOID, TANH, gateV, dactV, kc } from '../activations';
import { gemm } from '../gemm';
import { gemmP, gemmPBias } from '../gemm-packed';
import { fillRows } from '../layout';
import { RING_OUT, acc, addMasked, paddingEnd, paddingFirst, paddingStep, recurrentInput, slotPtr, stepPtr, stepProjection } from './common';

// One vector of the element loops: n = 4 (a literal, so the partial-load branches
// fold away) in the full-vector loops, n = H − j in the tail.
// resetAfter runs the step's element work in two passes, as the LSTM does (see lstm.ts): hh waits on
// r's whole dependency chain, so one pass would leave the out-of-order window on one long chain.
// Pass 1: z, r and the candidate's pre-activation x_h + r ⊙ rp_h (in XP's h slot).
// @ts-ignore: decorator
@inline function gruGatesVecRA(n: i32, j: i32, row: usize, H4: usize, ract: i32, px: usize, pr: usize, rhs: usize): void {
  const oj = <usize>j << 2;
  const z = gateV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
  const r = gateV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
  const rph = ld(pr + 2 * H4 + oj, n);
  st(px + oj, z, n);
  st(px + 2 * H4 + oj, f32x4.add(ld(px + 2 * H4 + oj, n), f32x4.mul(r, rph)), n);
  if (rhs != 0) {
    st(px + H4 + oj, r, n);
    st(rhs + row + oj, rph, n);
  }
}

// Pass 2: hh = act(pre) (kept in XP's h slot when training) and h = z ⊙ (h' − hh) + hh.
// @ts-ignore: decorator
@inline function gruOutputVecRA(n: i32, j: i32, row: usize, H4: usize, act: i32, px: usize, hps: usize, os: usize, training: bool): void {
  const oj = <usize>j << 2;
  const o = row + oj;
  const hh = gateV(act, ld(px + 2 * H4 + oj, n));
  if (training) st(px + 2 * H4 + oj, hh, n);
  st(os + o, f32x4.add(f32x4.mul(ld(px + oj, n), f32x4.sub(ld(hps + o, n), hh)), hh), n);
}

// @ts-ignore: decorator
@inline function gruForwardVecZR(n: i32, j: i32, row: usize, H4: usize, ract: i32, px: usize, pr: usize, hm: usize, rh: usize): void {
  const oj = <usize>j << 2;
  const z = gateV(ract, f32x4.add(ld(px + oj, n), ld(pr + oj, n)));
  const r = gateV(ract, f32x4.add(ld(px + H4 + oj, n), ld(pr + H4 + oj, n)));
  st(px + oj, z, n);
  st(px + H4 + oj, r, n);
  st(rh + row + oj, f32x4.mul(r, ld(hm + row + oj, n)), n);
}

// @ts-ignore: decorator
@inline function gruForwardVecH(n: i32, j: i32, row: usize, H4: usize, act: i32, px: usize, hps: usize, os: usize): void {
  const oj = <usize>j << 2;
  const o = row + oj;
  const z = ld(px + oj, n);
  const hh = gateV(act, ld(px + 2 * H4 + oj, n));
  st(px + 2 * H4 + oj, hh, n);
  st(os + o, f32x4.add(f32x4.mul(z, f32x4.sub(ld(hps + o, n), hh)), hh), n);
}

// @ts-ignore: decorator
@inline function gruBackwardVec(n: i32, j: i32, row: usize, H4: usize, act: i32, ract: i32, resetAfter: i32, px: usize, hps: usize, rhs: usize, dos: usize, dhN: usize, db: usize, db1: usize): void {
  const oj = <usize>j << 2;
  const o = row + oj;
  let dh = ld(dhN + o, n);
  if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
  const z = ld(px + oj, n), hh = ld(px + 2 * H4 + oj, n);
  const daz = f32x4.mul(f32x4.mul(dh, f32x4.sub(ld(hps + o, n), hh)), dactV(ract, z));
  const dah = f32x4.mul(f32x4.mul(dh, f32x4.sub(kc(K_ONE), z)), dactV(act, hh));
  st(px + oj, daz, n);
  st(px + 2 * H4 + oj, dah, n);
  st(dhN + o, f32x4.mul(dh, z), n);
  if (db != 0) {
    acc(db + oj, daz, n);
    acc(db + 2 * H4 + oj, dah, n);
  }
  if (resetAfter) {
    const r = ld(px + H4 + oj, n);
    const dar = f32x4.mul(f32x4.mul(dah, ld(rhs + o, n)), dactV(ract, r));
    const drh = f32x4.mul(dah, r);
    st(px + H4 + oj, dar, n);
    st(rhs + o, drh, n);
    if (db1 != 0) {
      acc(db + H4 + oj, dar, n);
      acc(db1 + oj, daz, n);
      acc(db1 + H4 + oj, dar, n);
      acc(db1 + 2 * H4 + oj, drh, n);
    }
  }
}

// @ts-ignore: decorator
@inline function gruBackwardVecR(n: i32, j: i32, row: usize, H4: usize, ract: i32, px: usize, hms: usize, dRH: usize, db: usize): void {
  const oj = <usize>j << 2;
  const r = ld(px + H4 + oj, n);
  const drh = ld(dRH + row + oj, n);
  const dar = f32x4.mul(f32x4.mul(drh, ld(hms + row + oj, n)), dactV(ract, r));
  st(px + H4 + oj, dar, n);
  st(dRH + row + oj, f32x4.mul(drh, r), n);
  acc(db != 0 ? db + H4 + oj : 0, dar, n);
}

// GRU: XP [T,SB,3H] holds x·W + b_in and becomes the gates z|r|h̃.
// resetAfter: RH [T,SB,H] = rp_h (recurrent h-projection incl. recurrent bias); RP [SB,3H] scratch; brec = recurrent bias | 0.
// !resetAfter: RH [T,SB,H] = r ⊙ hm (training); RP [SB,3H] scratch. ring: see common.ts (RING_Z, RING_OUT).
// pad != 0: shared padding (common.ts; streaming only): each step computes rows [first, Bs) only.
// @ts-ignore: decorator
@inline function gruForwardImpl(
  Bs0: i32, SB: i32, T: i32, H: i32, U: usize, Uh: usize, brec: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32,
  XP: usize, RH: usize, RP: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize,
): void {
  const G = 3 * H;
  const H4 = <usize>H << 2;
  let a = pad != 0 ? Bs0 : 0; // rows still on the shared padding trajectory
  for (let s = 0; s < T; s++) {
    if (pad != 0) a = paddingStep(pad, a, s, SB, H, out, 0, ring);
    const first = paddingFirst(a); // the first row computed this step
    const Bs = Bs0 - first;
    const rH = <usize>(first * H) << 2; // byte offset of row `first`
    const hm = recurrentInput(Bs, SB, H, s, h0 + rH, out + rH, mask, HM, tmp, ring);
    const xps = stepProjection(XP, s, SB, G, ring, tbl, ids, first, Bs);
    const hps = (s == 0 ? h0 : slotPtr(out, s - 1, SB, H, ring, RING_OUT)) + rH;
    const os = slotPtr(out, s, SB, H, ring, RING_OUT) + rH;
    if (resetAfter) {
      fillRows(RP, brec, Bs, G, G);
      gemmP(Bs, G, H, hm, H, 1, U, H, RP, G);
      const rhs = RH != 0 ? stepPtr(RH, s, SB, H) : 0;
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const pr = RP + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) gruGatesVecRA(4, j, row, H4, ract, px, pr, rhs); // full vectors: the partial-load branches fold away
        for (let j = H & ~3; j < H; j += 4) gruGatesVecRA(H - j, j, row, H4, ract, px, pr, rhs);
      }
      const training = rhs != 0;
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) gruOutputVecRA(4, j, row, H4, act, px, hps, os, training);
        for (let j = H & ~3; j < H; j += 4) gruOutputVecRA(H - j, j, row, H4, act, px, hps, os, training);
      }
    } else {
      fillRows(RP, 0, Bs, 2 * H, 2 * H);
      gemmP(Bs, 2 * H, H, hm, H, 1, U, H, RP, 2 * H);
      const rh = RH != 0 ? stepPtr(RH, s, SB, H) : RP + (<usize>(Bs * 2 * H) << 2);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const pr = RP + (<usize>(b * 2 * H) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) gruForwardVecZR(4, j, row, H4, ract, px, pr, hm, rh); // full vectors: the partial-load branches fold away
        for (let j = H & ~3; j < H; j += 4) gruForwardVecZR(H - j, j, row, H4, ract, px, pr, hm, rh);
      }
      gemmP(Bs, H, H, rh, H, 1, Uh, H, xps + 2 * H4, G);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) gruForwardVecH(4, j, row, H4, act, px, hps, os); // full vectors: the partial-load branches fold away
        for (let j = H & ~3; j < H; j += 4) gruForwardVecH(H - j, j, row, H4, act, px, hps, os);
      }
    }
  }
  paddingEnd(a, T, SB, H, out, 0, ring);
}

/**
 * XP (gates) ← dXP, the gradient of the input projection. resetAfter: RH (rp_h) ← dah ⊙ r
 * (the recurrent h-block gradient). dhN [SB,H]: in dhLast (zeros), out dh0; dhP, dRH scratch. Ut [3H,H].
 */
// @ts-ignore: decorator
@inline function gruBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32,
  XP: usize, RH: usize, out: usize, HM: usize, dOut: usize, dhN: usize, dhP: usize, dRH: usize, db: usize, dU: usize,
): void {
  const db1 = db != 0 && resetAfter ? db + (<usize>(3 * H) << 2) : 0; // recurrent-bias row
  const G = 3 * H;
  const H4 = <usize>H << 2;
  for (let s = T - 1; s >= 0; s--) {
    const xps = stepPtr(XP, s, SB, G);
    const hps = s == 0 ? h0 : stepPtr(out, s - 1, SB, H);
    const dos = dOut != 0 ? stepPtr(dOut, s, SB, H) : 0;
    const rhs = stepPtr(RH, s, SB, H);
    for (let b = 0; b < Bs; b++) {
      const px = xps + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) gruBackwardVec(4, j, row, H4, act, ract, resetAfter, px, hps, rhs, dos, dhN, db, db1); // full vectors: the partial-load branches fold away
      for (let j = H & ~3; j < H; j += 4) gruBackwardVec(H - j, j, row, H4, act, ract, resetAfter, px, hps, rhs, dos, dhN, db, db1);
    }
    const hms = stepPtr(HM, s, SB, H);
    if (resetAfter) {
      if (dU != 0) {
        // dU [H,3H] += step by step (see lstm.ts): z|r columns HM_sᵀ·dXP_s, h columns HM_sᵀ·(dah ⊙ r)
        gemm(H, 2 * H, Bs, hms, 1, H, xps, G, dU, G);
        gemm(H, H, Bs, hms, 1, H, rhs, H, dU + 2 * H4, G);
      }
      gemmPBias(Bs, H, 2 * H, xps, G, 1, Ut, G, dhP, H, 0); // zero-initialised by the GEMM (no memory.fill call per step)
      gemmP(Bs, H, H, rhs, H, 1, Ut + (<usize>(2 * H) << 5), G, dhP, H);
      addMasked(Bs * H, dhN, dhP, mask);
    } else {
      // dResetHidden = dah · U_hᵀ
      gemmPBias(Bs, H, H, xps + 2 * H4, G, 1, Ut + (<usize>(2 * H) << 5), G, dRH, H, 0);
      for (let b = 0; b < Bs; b++) {
        const px = xps + (<usize>(b * G) << 2);
        const row = <usize>(b * H) << 2;
        for (let j = 0; j + 4 <= H; j += 4) gruBackwardVecR(4, j, row, H4, ract, px, hms, dRH, db); // full vectors: the partial-load branches fold away
        for (let j = H & ~3; j < H; j += 4) gruBackwardVecR(H - j, j, row, H4, ract, px, hms, dRH, db);
      }
      if (dU != 0) {
        // z|r columns HM_sᵀ·dXP_s, h columns (r ⊙ hm)_sᵀ·dah
        gemm(H, 2 * H, Bs, hms, 1, H, xps, G, dU, G);
        gemm(H, H, Bs, rhs, 1, H, xps + 2 * H4, G, dU + 2 * H4, G);
      }
      gemmP(Bs, H, 2 * H, xps, G, 1, Ut, G, dRH, H);
      addMasked(Bs * H, dhN, dRH, mask);
    }
  }
}

export function gruForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, Uh: usize, brec: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32, XP: usize, RH: usize, RP: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) gruForwardImpl(Bs, SB, T, H, U, Uh, brec, resetAfter, h0, mask, TANH, SIGMOID, XP, RH, RP, out, HM, tmp, tbl, ids, ring, pad);
  else gruForwardImpl(Bs, SB, T, H, U, Uh, brec, resetAfter, h0, mask, act, ract, XP, RH, RP, out, HM, tmp, tbl, ids, ring, pad);
}

export function gruBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, resetAfter: i32, h0: usize, mask: usize, act: i32, ract: i32, XP: usize, RH: usize, out: usize, HM: usize, dOut: usize, dhN: usize, dhP: usize, dRH: usize, db: usize, dU: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) gruBackwardImpl(Bs, SB, T, H, Ut, resetAfter, h0, mask, TANH, SIGMOID, XP, RH, out, HM, dOut, dhN, dhP, dRH, db, dU);
  else gruBackwardImpl(Bs, SB, T, H, Ut, resetAfter, h0, mask, act, ract, XP, RH, out, HM, dOut, dhN, dhP, dRH, db, dU);
}
