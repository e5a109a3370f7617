// Embedding lookup and its gradient (scatter-add).
// Dimensions: N ids (B·T), E embedding width; table / dTable [V, E] (V vocabulary), ids [N] i32, out / dOut [N, E].
//
// The scatter-add has two forms. embeddingScatter walks the positions in order (one thread: rows that
// repeat would race). The grouped form sorts the positions by row first (groupByRow, a counting sort that
// keeps each row's positions ascending), so disjoint row ranges run on different threads and each row
// is summed while it sits in L1; both add every row's contributions in position order, so they agree bit for bit.

import { copyFloats, ld, st } from './simd';

/** out[n, :] = table[ids[n], :]. */
export function embeddingGather(out: usize, table: usize, ids: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) copyFloats(out + <usize>n * e4, table + <usize>load<i32>(ids + (<usize>n << 2)) * e4, E);
}

/** dst[0..E) += src[0..E). */
// @ts-ignore: decorator
@inline function addRow(dst: usize, src: usize, E: i32): void {
  let e = 0;
  for (; e + 4 <= E; e += 4) {
    const o = <usize>e << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  if (e < E) {
    const c = E - e;
    const o = <usize>e << 2;
    st(dst + o, f32x4.add(ld(dst + o, c), ld(src + o, c)), c);
  }
}

/** dst[0..E) = 0, inline (memory.fill is a runtime call in V8, too costly per row). */
// @ts-ignore: decorator
@inline function zeroRow(dst: usize, E: i32): void {
  let e = 0;
  for (; e + 4 <= E; e += 4) v128.store(dst + (<usize>e << 2), f32x4.splat(0));
  for (; e < E; e++) store<f32>(dst + (<usize>e << 2), 0);
}

/** dTable[ids[n], :] += dOut[n, :] (dTable zeroed, or holding a gradient to add to); rows in order, as the reference. */
export function embeddingScatter(dTable: usize, ids: usize, dOut: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) addRow(dTable + <usize>load<i32>(ids + (<usize>n << 2)) * e4, dOut + <usize>n * e4, E);
}

/**
 * Counting sort of positions by row: start [R + 1] i32 gets each row's first slot in order (start[R] = N),
 * order [N] i32 the positions n (ascending within a row). ids [N] must lie in [0, R).
 */
export function groupByRow(ids: usize, N: i32, R: i32, start: usize, order: usize): void {
  memory.fill(start, 0, <usize>(R + 1) << 2);
  for (let n = 0; n < N; n++) {
    const p = start + (<usize>(load<i32>(ids + (<usize>n << 2)) + 1) << 2);
    store<i32>(p, load<i32>(p) + 1);
  }
  for (let r = 1; r <= R; r++) {
    const p = start + (<usize>r << 2);
    store<i32>(p, load<i32>(p) + load<i32>(p - 4));
  }
  // place each position at its row's next free slot, advancing start[r]; afterwards start[r] holds row r's end,
  // the first slot of row r + 1, so shifting by one entry restores the starts
  for (let n = 0; n < N; n++) {
    const p = start + (<usize>load<i32>(ids + (<usize>n << 2)) << 2);
    const k = load<i32>(p);
    store<i32>(order + (<usize>k << 2), n);
    store<i32>(p, k + 1);
  }
  for (let r = R; r > 0; r--) store<i32>(start + (<usize>r << 2), load<i32>(start + (<usize>(r - 1) << 2)));
  store<i32>(start, 0);
}

/**
 * Rows r0 ≤ r < r1 of the grouped scatter-add: dTable[r, :] (+)= Σ dOut[n, :] over row r's positions n
 * (start / order from groupByRow), added in position order. overwrite != 0: the rows start from zero
 * instead of their contents (no separate zero fill; rows without positions are zeroed).
 */
export function scatterGrouped(dTable: usize, dOut: usize, start: usize, order: usize, r0: i32, r1: i32, E: i32, overwrite: i32): void {
  const e4 = <usize>E << 2;
  for (let r = r0; r < r1; r++) {
    const dst = dTable + <usize>r * e4;
    const k0 = load<i32>(start + (<usize>r << 2)), k1 = load<i32>(start + (<usize>(r + 1) << 2));
    // 32 columns at a time summed in registers over all the row's positions: the loads of successive
    // positions do not wait on one another, so many (random) source rows are in flight at once
    let e = 0;
    for (; e + 32 <= E; e += 32) {
      const d = dst + (<usize>e << 2);
      let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
      if (overwrite == 0) {
        a0 = v128.load(d); a1 = v128.load(d, 16); a2 = v128.load(d, 32); a3 = v128.load(d, 48);
        a4 = v128.load(d, 64); a5 = v128.load(d, 80); a6 = v128.load(d, 96); a7 = v128.load(d, 112);
      }
      for (let k = k0; k < k1; k++) {
        const q = dOut + <usize>load<i32>(order + (<usize>k << 2)) * e4 + (<usize>e << 2);
        a0 = f32x4.add(a0, v128.load(q)); a1 = f32x4.add(a1, v128.load(q, 16));
        a2 = f32x4.add(a2, v128.load(q, 32)); a3 = f32x4.add(a3, v128.load(q, 48));
        a4 = f32x4.add(a4, v128.load(q, 64)); a5 = f32x4.add(a5, v128.load(q, 80));
        a6 = f32x4.add(a6, v128.load(q, 96)); a7 = f32x4.add(a7, v128.load(q, 112));
      }
      v128.store(d, a0); v128.store(d, a1, 16); v128.store(d, a2, 32); v128.store(d, a3, 48);
      v128.store(d, a4, 64); v128.store(d, a5, 80); v128.store(d, a6, 96); v128.store(d, a7, 112);
    }
    if (e < E) {
      // the last < 32 columns: in place, row by row
      const n = E - e;
      const d = dst + (<usize>e << 2);
      if (overwrite != 0) zeroRow(d, n);
      for (let k = k0; k < k1; k++) addRow(d, dOut + <usize>load<i32>(order + (<usize>k << 2)) * e4 + (<usize>e << 2), n);
    }
  }
}
