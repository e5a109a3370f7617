// SimpleRNN: fused forward and backward time loops (h_s = act(A_s + hm·U)).
// Dimensions: T time, SB full batch (the step stride), Bs rows of this batch slice, H units,
// G gates (G = H). Buffers are time-major [T, SB, ·], pointers already offset to the slice.

import { ld, st } from '../simd';
import { TANH, gateV, dactV } from '../activations';
import { gemm } from '../gemm';
import { gemmP } from '../gemm-packed';
import { RING_OUT, acc, paddingEnd, paddingFirst, paddingStep, recurrentInput, slotPtr, stateGradient, stepPtr, stepProjection } from './common';

// One vector of the element loops: n = 4 (a literal, so the partial-load branches
// fold away) in the full-vector loops, n = H − j in the tail.
// @ts-ignore: decorator
@inline function simpleRnnForwardVec(n: i32, j: i32, pa: usize, po: usize, act: i32): void {
  const o = <usize>j << 2;
  st(po + o, gateV(act, ld(pa + o, n)), n);
}

// @ts-ignore: decorator
@inline function simpleRnnBackwardVec(n: i32, j: i32, row: usize, s: i32, SB: i32, H: i32, act: i32, as: usize, os: usize, dOut: usize, dhN: usize, db: usize): void {
  const o = row + (<usize>j << 2);
  let dh = ld(dhN + o, n);
  if (dOut != 0) dh = f32x4.add(dh, ld(stepPtr(dOut, s, SB, H) + o, n));
  const da = f32x4.mul(dh, dactV(act, ld(os + o, n)));
  st(as + o, da, n);
  acc(db != 0 ? db + (<usize>j << 2) : 0, da, n);
}

// SimpleRNN: A [T,SB,H] holds x·W + b; out [T,SB,H] = h. ring: see common.ts (RING_Z, RING_OUT).
// pad != 0: shared padding (common.ts; streaming only): each step computes rows [first, Bs) only.
// @ts-ignore: decorator
@inline function simpleRnnForwardImpl(
  Bs0: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, mask: usize, act: i32, A: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize,
): void {
  let a = pad != 0 ? Bs0 : 0; // rows still on the shared padding trajectory
  for (let s = 0; s < T; s++) {
    if (pad != 0) a = paddingStep(pad, a, s, SB, H, out, 0, ring);
    const first = paddingFirst(a); // the first row computed this step
    const Bs = Bs0 - first;
    const rH = <usize>(first * H) << 2; // byte offset of row `first`
    const hm = recurrentInput(Bs, SB, H, s, h0 + rH, out + rH, mask, HM, tmp, ring);
    const as = stepProjection(A, s, SB, H, ring, tbl, ids, first, Bs);
    gemmP(Bs, H, H, hm, H, 1, U, H, as, H);
    const os = slotPtr(out, s, SB, H, ring, RING_OUT) + rH;
    for (let b = 0; b < Bs; b++) {
      const pa = as + (<usize>(b * H) << 2);
      const po = os + (<usize>(b * H) << 2);
      for (let j = 0; j + 4 <= H; j += 4) simpleRnnForwardVec(4, j, pa, po, act); // full vectors: the partial-load branches fold away
      for (let j = H & ~3; j < H; j += 4) simpleRnnForwardVec(H - j, j, pa, po, act);
    }
  }
  paddingEnd(a, T, SB, H, out, 0, ring);
}

/**
 * A ← dA. dOut [T,SB,H] | 0; dhN [SB,H]: in dhLast (zeros), out dh0; dhP scratch; Ut = Uᵀ [H,H].
 * dU != 0: dU [H,H] += HM_sᵀ·dA_s step by step (see lstm.ts).
 */
// @ts-ignore: decorator
@inline function simpleRnnBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, mask: usize, act: i32, A: usize, out: usize, dOut: usize, dhN: usize, dhP: usize, db: usize, HM: usize, dU: usize,
): void {
  for (let s = T - 1; s >= 0; s--) {
    const as = stepPtr(A, s, SB, H);
    const os = stepPtr(out, s, SB, H);
    for (let b = 0; b < Bs; b++) {
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) simpleRnnBackwardVec(4, j, row, s, SB, H, act, as, os, dOut, dhN, db); // full vectors: the partial-load branches fold away
      for (let j = H & ~3; j < H; j += 4) simpleRnnBackwardVec(H - j, j, row, s, SB, H, act, as, os, dOut, dhN, db);
    }
    if (dU != 0) gemm(H, H, Bs, stepPtr(HM, s, SB, H), 1, H, as, H, dU, H);
    stateGradient(Bs, H, H, as, H, Ut, dhN, dhP, mask); // dh_{s−1} = da_s·Uᵀ (⊙ mask)
  }
}

export function simpleRnnForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, mask: usize, act: i32, A: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH) simpleRnnForwardImpl(Bs, SB, T, H, U, h0, mask, TANH, A, out, HM, tmp, tbl, ids, ring, pad);
  else simpleRnnForwardImpl(Bs, SB, T, H, U, h0, mask, act, A, out, HM, tmp, tbl, ids, ring, pad);
}

export function simpleRnnBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, mask: usize, act: i32, A: usize, out: usize, dOut: usize, dhN: usize, dhP: usize, db: usize, HM: usize, dU: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH) simpleRnnBackwardImpl(Bs, SB, T, H, Ut, mask, TANH, A, out, dOut, dhN, dhP, db, HM, dU);
  else simpleRnnBackwardImpl(Bs, SB, T, H, Ut, mask, act, A, out, dOut, dhN, dhP, db, HM, dU);
}
