// Shared pieces of the fused recurrent kernels: masking of the recurrent input,
// masked accumulation of the state gradient, bias-gradient accumulation, step pointers.
// Dimensions: T time, SB full batch (the step stride), Bs rows of this batch slice,
// H units, G gates (H, 4H for LSTM, 3H for GRU), F the width of a given buffer.
//
// Recurrences (time-major). Every sequence buffer is [T, SB, F] (SB = full batch,
// the step stride); a batch slice of Bs rows is selected by offsetting the
// pointers by b0 rows, so slices run independently on different threads.
// The input projections (x·W + b for all steps) and the weight / input
// gradients are large GEMMs done by the caller; these functions do only what
// must be sequential in time. U / Ut arguments are packed (packB): U as [H, G·H],
// Ut as Uᵀ [G·H, H]; GRU !resetAfter passes U's z|r columns as U and its h columns as Uh.

import { copyFloats, ld, st } from '../simd';
import { gemmPBias } from '../gemm-packed';

/**
 * hm[b, :] = hPrev[b, :] ⊙ mask[b, :] for b < B. hPrev row stride hs, hm row stride ms (floats).
 */
// @ts-ignore: decorator
@inline export function maskRows(B: i32, H: i32, hp: usize, hs: i32, mask: usize, dst: usize, ds: i32): void {
  if (mask == 0 && hs == H && ds == H) {
    // contiguous rows: one copy (memory.copy is a runtime call in V8; once per step, not per row)
    memory.copy(dst, hp, <usize>(B * H) << 2);
    return;
  }
  for (let b = 0; b < B; b++) {
    const ph = hp + (<usize>(b * hs) << 2);
    const pd = dst + (<usize>(b * ds) << 2);
    const pm = mask + (<usize>(b * H) << 2);
    if (mask == 0) memory.copy(pd, ph, <usize>H << 2);
    else
      for (let j = 0; j < H; j += 4) {
        const n = min(4, H - j);
        const o = <usize>j << 2;
        st(pd + o, f32x4.mul(ld(ph + o, n), ld(pm + o, n)), n);
      }
  }
}

/** dst[b,:] += src[b,:] ⊙ mask[b,:] (or + src when mask == 0); contiguous [B, H]. */
// @ts-ignore: decorator
@inline export function addMasked(n: i32, dst: usize, src: usize, mask: usize): void {
  for (let i = 0; i < n; i += 4) {
    const c = min(4, n - i);
    const o = <usize>i << 2;
    let s = ld(src + o, c);
    if (mask != 0) s = f32x4.mul(s, ld(mask + o, c));
    st(dst + o, f32x4.add(ld(dst + o, c), s), c);
  }
}

/**
 * The state gradient handed to the previous step: dhN = dA·Uᵀ (dA [Bs, K] with rows lda floats apart, Ut = Uᵀ packed
 * over K rows), times the recurrent-dropout mask when there is one. Without a mask the GEMM's zero initialisation
 * writes it straight into dhN; with one it goes through the scratch dhP and maskRows.
 */
// @ts-ignore: decorator
@inline export function stateGradient(Bs: i32, H: i32, K: i32, dA: usize, lda: i32, Ut: usize, dhN: usize, dhP: usize, mask: usize): void {
  if (mask == 0) {
    gemmPBias(Bs, H, K, dA, lda, 1, Ut, K, dhN, H, 0);
    return;
  }
  gemmPBias(Bs, H, K, dA, lda, 1, Ut, K, dhP, H, 0);
  maskRows(Bs, H, dhP, H, mask, dhN, H);
}

/** p[0..n) += v (bias-gradient accumulation; p == 0 skips). */
// @ts-ignore: decorator
@inline export function acc(p: usize, v: v128, n: i32): void {
  if (p != 0) st(p, f32x4.add(ld(p, n), v), n);
}

// @ts-ignore: decorator
@inline export function stepPtr(base: usize, s: i32, SB: i32, F: i32): usize {
  return base + (<usize>(s * SB * F) << 2);
}

// Gathered projections: with tbl != 0 the forward kernels fill each step's input projection
// rows from a projected table, tbl[ids[s, b]], right before the recurrent product: the rows are
// hot in cache, and each thread writes (and later reads) only its own batch rows.
// Inference streaming (the `ring` bitmask of the forward kernels). Training keeps every
// step ([T, SB, F] buffers, ring = 0); inference only needs the current and previous step:
//   RING_Z    the input projection is one [SB, G] slot (with tbl: refilled every step)
//   RING_OUT  out is two [SB, H] slots (step s in slot s & 1): only the last output is wanted
//   RING_C    LSTM cell states are two [SB, H] slots
export const RING_Z: i32 = 1;
export const RING_OUT: i32 = 2;
export const RING_C: i32 = 4;

/** Step s of a sequence buffer: [T, SB, F], or with `ringBit` set in `ring`, slot s & 1 of [2, SB, F] (RING_Z: the one slot). */
// @ts-ignore: decorator
@inline export function slotPtr(base: usize, s: i32, SB: i32, F: i32, ring: i32, ringBit: i32): usize {
  if ((ring & ringBit) == 0) return stepPtr(base, s, SB, F);
  return ringBit == RING_Z ? base : stepPtr(base, s & 1, SB, F);
}

/**
 * Step s's input projection from row `first` on (Z [T,SB,G], or its ring slot): the pointer to that row, after
 * gathering its n rows from the projected table tbl by the time-major ids [T,SB] when tbl != 0.
 */
// @ts-ignore: decorator
@inline export function stepProjection(Z: usize, s: i32, SB: i32, G: i32, ring: i32, tbl: usize, ids: usize, first: i32, n: i32): usize {
  const zs = slotPtr(Z, s, SB, G, ring, RING_Z) + (<usize>(first * G) << 2);
  if (tbl != 0) {
    const row = <usize>G << 2;
    const ps = ids + (<usize>(s * SB + first) << 2);
    for (let b = 0; b < n; b++) copyFloats(zs + <usize>b * row, tbl + <usize>load<i32>(ps + (<usize>b << 2)) * row, G);
  }
  return zs;
}

/**
 * The recurrent input of step s: hm = h_{s−1} ⊙ mask (or h_{s−1}), rows of stride H.
 * Written to HM_s when training (HM != 0), to tmp when only masking, else h_{s−1} itself.
 */
// @ts-ignore: decorator
@inline export function recurrentInput(Bs: i32, SB: i32, H: i32, s: i32, h0: usize, out: usize, mask: usize, HM: usize, tmp: usize, ring: i32): usize {
  const hp = s == 0 ? h0 : slotPtr(out, s - 1, SB, H, ring, RING_OUT);
  if (HM != 0) {
    const hm = stepPtr(HM, s, SB, H);
    maskRows(Bs, H, hp, H, mask, hm, H);
    return hm;
  }
  if (mask != 0) {
    maskRows(Bs, H, hp, H, mask, tmp, H);
    return tmp;
  }
  return hp;
}

// Shared padding in inference (`pad` != 0, streaming with RING_OUT, zero initial state, no mask): the slice's rows
// come sorted by their number of leading padding ids, most first (pad [Bs], descending). Rows that have read only
// padding so far all hold the same state, so at step s the rows [0, a) with pad > s are one computation: the
// kernels compute rows [first, Bs) with first = max(a − 1, 0), row a − 1 carrying the shared state, and hand that
// state to each row that leaves the padding (paddingStep). Every row's arithmetic is the one it would do in a full
// batch, so the results are bit-identical.

/** The first row a step computes when the rows [0, a) are on the padding trajectory: row a − 1 carries it. */
// @ts-ignore: decorator
@inline export function paddingFirst(a: i32): i32 {
  return a > 0 ? a - 1 : 0;
}

/**
 * Step s of shared padding: shrinks a (the rows with pad > s − 1) to the rows with pad > s and hands the
 * shared state of step s − 1 (out, and the cell states cs when != 0) to the rows that start computing. Returns a.
 */
// @ts-ignore: decorator
@inline export function paddingStep(pad: usize, a: i32, s: i32, SB: i32, H: i32, out: usize, cs: usize, ring: i32): i32 {
  const before = paddingFirst(a);
  while (a > 0 && load<i32>(pad + (<usize>(a - 1) << 2)) <= s) a--;
  const first = paddingFirst(a);
  if (s > 0 && first < before) {
    carryRows(slotPtr(out, s - 1, SB, H, ring, RING_OUT), H, first, before);
    if (cs != 0) carryRows(slotPtr(cs, s - 1, SB, H, ring, RING_C), H, first, before);
  }
  return a;
}

/** After the last step: the rows that read only padding take the shared final state. */
// @ts-ignore: decorator
@inline export function paddingEnd(a: i32, T: i32, SB: i32, H: i32, out: usize, cs: usize, ring: i32): void {
  const first = paddingFirst(a);
  if (first == 0) return;
  carryRows(slotPtr(out, T - 1, SB, H, ring, RING_OUT), H, 0, first);
  if (cs != 0) carryRows(slotPtr(cs, T - 1, SB, H, ring, RING_C), H, 0, first);
}

/** Rows [from, to) of a [·, F] buffer ← its row `to` (the shared state). */
// @ts-ignore: decorator
@inline function carryRows(buf: usize, F: i32, from: i32, to: i32): void {
  const src = buf + (<usize>(to * F) << 2);
  for (let r = from; r < to; r++) copyFloats(buf + (<usize>(r * F) << 2), src, F);
}
