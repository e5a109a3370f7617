// Embedding lookup and its gradient (scatter-add).
// Dimensions: N ids (B·T), E embedding width; table / dTable [V, E] (V vocabulary), ids [N] i32, out / dOut [N, E].

import { ld, st } from './simd';

/** out[n, :] = table[ids[n], :]. */
export function embeddingGather(out: usize, table: usize, ids: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) {
    memory.copy(out + <usize>n * e4, table + <usize>load<i32>(ids + (<usize>n << 2)) * e4, e4);
  }
}

/** dTable[ids[n], :] += dOut[n, :] (dTable zeroed by the caller); rows in order, as the reference. */
export function embeddingScatter(dTable: usize, ids: usize, dOut: usize, N: i32, E: i32): void {
  const e4 = <usize>E << 2;
  for (let n = 0; n < N; n++) {
    const dst = dTable + <usize>load<i32>(ids + (<usize>n << 2)) * e4;
    const src = dOut + <usize>n * e4;
    for (let e = 0; e < E; e += 4) {
      const c = min(4, E - e);
      const o = <usize>e << 2;
      st(dst + o, f32x4.add(ld(dst + o, c), ld(src + o, c)), c);
    }
  }
}
