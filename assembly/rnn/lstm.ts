// LSTM: fused forward and backward time loops, gates i|f|c|o (Keras order).
// Dimensions: T time, SB full batch (the step stride), Bs rows of this batch slice, H units,
// G gates (G = 4H). Buffers are time-major [T, SB, ·], pointers already offset to the slice.

import { ld, st } from '../simd';
import { SIGMOID, TANH, gateV, dactV } from '../activations';
import { gemm } from '../gemm';
import { gemmP } from '../gemm-packed';
import { RING_C, RING_OUT, acc, paddingEnd, paddingFirst, paddingStep, recurrentInput, slotPtr, stateGradient, stepPtr, stepProjection } from './common';

// One vector of the element loops: n = 4 (a literal, so the partial-load branches
// fold away) in the full-vector loops, n = H − j in the tail.
// The step's element work runs in two passes, gates then output, so each pass's iterations
// are independent of one another: one pass with the output's tanh(c) chained after the gates'
// would leave the out-of-order window waiting on one long dependency chain per vector.
// Pass 1: the gates and c = f·c' + i·g; o (activated) goes back into Z for pass 2.
// @ts-ignore: decorator
@inline function lstmGatesVec(n: i32, j: i32, row: usize, H4: usize, act: i32, ract: i32, pz: usize, cps: usize, cs: usize, training: bool): void {
  const o = row + (<usize>j << 2);
  const pi = pz + (<usize>j << 2);
  const i = gateV(ract, ld(pi, n));
  const f = gateV(ract, ld(pi + H4, n));
  const g = gateV(act, ld(pi + 2 * H4, n));
  const og = gateV(ract, ld(pi + 3 * H4, n));
  st(cs + o, f32x4.add(f32x4.mul(f, ld(cps + o, n)), f32x4.mul(i, g)), n);
  st(pi + 3 * H4, og, n);
  if (training) {
    st(pi, i, n);
    st(pi + H4, f, n);
    st(pi + 2 * H4, g, n);
  }
}

// Pass 2: h = o·act(c) (and act(c) kept for the backward when training).
// @ts-ignore: decorator
@inline function lstmOutputVec(n: i32, j: i32, row: usize, H4: usize, act: i32, pz: usize, cs: usize, os: usize, acs: usize): void {
  const o = row + (<usize>j << 2);
  const ac = gateV(act, ld(cs + o, n));
  st(os + o, f32x4.mul(ld(pz + (<usize>j << 2) + 3 * H4, n), ac), n);
  if (acs != 0) st(acs + o, ac, n);
}

// @ts-ignore: decorator
@inline function lstmBackwardVec(n: i32, j: i32, row: usize, H4: usize, act: i32, ract: i32, pz: usize, cps: usize, acs: usize, dos: usize, dhN: usize, dcN: usize, db: usize): void {
  const o = row + (<usize>j << 2);
  const pi = pz + (<usize>j << 2);
  let dh = ld(dhN + o, n);
  if (dos != 0) dh = f32x4.add(dh, ld(dos + o, n));
  const i = ld(pi, n), f = ld(pi + H4, n), g = ld(pi + 2 * H4, n), og = ld(pi + 3 * H4, n);
  const ac = ld(acs + o, n);
  const dc = f32x4.add(ld(dcN + o, n), f32x4.mul(f32x4.mul(dh, og), dactV(act, ac)));
  const dzi = f32x4.mul(f32x4.mul(dc, g), dactV(ract, i));
  const dzf = f32x4.mul(f32x4.mul(dc, ld(cps + o, n)), dactV(ract, f));
  const dzc = f32x4.mul(f32x4.mul(dc, i), dactV(act, g));
  const dzo = f32x4.mul(f32x4.mul(dh, ac), dactV(ract, og));
  st(pi, dzi, n);
  st(pi + H4, dzf, n);
  st(pi + 2 * H4, dzc, n);
  st(pi + 3 * H4, dzo, n);
  if (db != 0) {
    const pd = db + (<usize>j << 2);
    acc(pd, dzi, n);
    acc(pd + H4, dzf, n);
    acc(pd + 2 * H4, dzc, n);
    acc(pd + 3 * H4, dzo, n);
  }
  st(dcN + o, f32x4.mul(dc, f), n);
}

// LSTM: Z [T,SB,4H] holds x·W + b and becomes the activated gates i|f|c̃|o (training);
// Cs [T,SB,H] cell states; AC [T,SB,H] act(c) (training) | 0; out [T,SB,H].
// tbl != 0: each step's Z rows are gathered from the projected table tbl by ids [T,SB] (see common.ts);
// ring (inference): RING_Z keeps one Z slot, RING_OUT / RING_C two slots of out / Cs.
// pad != 0: shared padding (common.ts; streaming only): each step computes rows [first, Bs) only.
// @ts-ignore: decorator
@inline function lstmForwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, c0: usize, mask: usize, act: i32, ract: i32,
  Z: usize, Cs: usize, AC: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize,
): void {
  const G = 4 * H;
  const H4 = <usize>H << 2;
  let a = pad != 0 ? Bs : 0; // rows still on the shared padding trajectory
  for (let s = 0; s < T; s++) {
    if (pad != 0) a = paddingStep(pad, a, s, SB, H, out, Cs, ring);
    const first = paddingFirst(a); // the first row computed this step
    const Bn = Bs - first;
    const rH = <usize>(first * H) << 2; // byte offset of row `first`
    const hm = recurrentInput(Bn, SB, H, s, h0 + rH, out + rH, mask, HM, tmp, ring);
    const zs = stepProjection(Z, s, SB, G, ring, tbl, ids, first, Bn);
    gemmP(Bn, G, H, hm, H, 1, U, H, zs, G);
    const cps = (s == 0 ? c0 : slotPtr(Cs, s - 1, SB, H, ring, RING_C)) + rH;
    const cs = slotPtr(Cs, s, SB, H, ring, RING_C) + rH;
    const os = slotPtr(out, s, SB, H, ring, RING_OUT) + rH;
    const acs = AC != 0 ? stepPtr(AC, s, SB, H) : 0;
    const training = acs != 0;
    for (let b = 0; b < Bn; b++) {
      const pz = zs + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) lstmGatesVec(4, j, row, H4, act, ract, pz, cps, cs, training); // full vectors: the partial-load branches fold away
      for (let j = H & ~3; j < H; j += 4) lstmGatesVec(H - j, j, row, H4, act, ract, pz, cps, cs, training);
    }
    for (let b = 0; b < Bn; b++) {
      const pz = zs + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) lstmOutputVec(4, j, row, H4, act, pz, cs, os, acs);
      for (let j = H & ~3; j < H; j += 4) lstmOutputVec(H - j, j, row, H4, act, pz, cs, os, acs);
    }
  }
  paddingEnd(a, T, SB, H, out, Cs, ring);
}

/**
 * Z (gates) ← dZ. dhN, dcN [SB,H]: in dhLast/dcLast (zeros), out dh0/dc0. Ut [4H,H].
 * dU != 0: dU [H,4H] += HM_sᵀ·dZ_s step by step, while dZ_s is in cache (small H·4H; else the caller's GEMM).
 */
// @ts-ignore: decorator
@inline function lstmBackwardImpl(
  Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, c0: usize, mask: usize, act: i32, ract: i32,
  Z: usize, Cs: usize, AC: usize, dOut: usize, dhN: usize, dcN: usize, dhP: usize, db: usize, HM: usize, dU: usize,
): void {
  const G = 4 * H;
  const H4 = <usize>H << 2;
  for (let s = T - 1; s >= 0; s--) {
    const zs = stepPtr(Z, s, SB, G);
    const cps = s == 0 ? c0 : stepPtr(Cs, s - 1, SB, H);
    const acs = stepPtr(AC, s, SB, H);
    const dos = dOut != 0 ? stepPtr(dOut, s, SB, H) : 0;
    for (let b = 0; b < Bs; b++) {
      const pz = zs + (<usize>(b * G) << 2);
      const row = <usize>(b * H) << 2;
      for (let j = 0; j + 4 <= H; j += 4) lstmBackwardVec(4, j, row, H4, act, ract, pz, cps, acs, dos, dhN, dcN, db); // full vectors: the partial-load branches fold away
      for (let j = H & ~3; j < H; j += 4) lstmBackwardVec(H - j, j, row, H4, act, ract, pz, cps, acs, dos, dhN, dcN, db);
    }
    if (dU != 0) gemm(H, G, Bs, stepPtr(HM, s, SB, H), 1, H, zs, G, dU, G);
    stateGradient(Bs, H, G, zs, G, Ut, dhN, dhP, mask); // dh_{s−1} = dZ_s·Uᵀ (⊙ mask)
  }
}

export function lstmForward(Bs: i32, SB: i32, T: i32, H: i32, U: usize, h0: usize, c0: usize, mask: usize, act: i32, ract: i32, Z: usize, Cs: usize, AC: usize, out: usize, HM: usize, tmp: usize, tbl: usize, ids: usize, ring: i32, pad: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) lstmForwardImpl(Bs, SB, T, H, U, h0, c0, mask, TANH, SIGMOID, Z, Cs, AC, out, HM, tmp, tbl, ids, ring, pad);
  else lstmForwardImpl(Bs, SB, T, H, U, h0, c0, mask, act, ract, Z, Cs, AC, out, HM, tmp, tbl, ids, ring, pad);
}

export function lstmBackward(Bs: i32, SB: i32, T: i32, H: i32, Ut: usize, c0: usize, mask: usize, act: i32, ract: i32, Z: usize, Cs: usize, AC: usize, dOut: usize, dhN: usize, dcN: usize, dhP: usize, db: usize, HM: usize, dU: usize): void {
  // a specialised copy for the default activations, where the activation dispatch folds away
  if (act == TANH && ract == SIGMOID) lstmBackwardImpl(Bs, SB, T, H, Ut, c0, mask, TANH, SIGMOID, Z, Cs, AC, dOut, dhN, dcN, dhP, db, HM, dU);
  else lstmBackwardImpl(Bs, SB, T, H, Ut, c0, mask, act, ract, Z, Cs, AC, dOut, dhN, dcN, dhP, db, HM, dU);
}
