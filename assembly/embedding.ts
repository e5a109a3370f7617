// Embedding lookup and its gradient (scatter-add).
// Dimensions: N ids (B·T), E embedding width; table / dTable [V, E] (V vocabulary), ids [N] i32, out / dOut [N, E].

import { copyFloats, ld, st } from './simd';

/** out[n, :] = table[ids[n], :]. */
export function embeddingGather(out: usize, table: usize, ids: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) copyFloats(out + <usize>n * e4, table + <usize>load<i32>(ids + (<usize>n << 2)) * e4, E);
}

/** dTable[ids[n], :] += dOut[n, :] (dTable zeroed, or holding a gradient to add to); rows in order, as the reference. */
export function embeddingScatter(dTable: usize, ids: usize, dOut: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) {
    const dst = dTable + <usize>load<i32>(ids + (<usize>n << 2)) * e4;
    const src = dOut + <usize>n * e4;
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
}
