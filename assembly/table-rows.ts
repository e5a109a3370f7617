// Token ids → the rows of an embedding table a batch reads, and time-major id order.
// A recurrent layer over an embedding projects only the table rows its batch reads (see
// src/kernels/wasm/rnn.ts): these index passes find them in the arena, with no JS arrays per batch.
// Dimensions: B batch, T time, V vocabulary (table rows), N = B·T positions; ids are i32, in [0, V).

/** dst [T, B] ← ids [B, T] in processing order: dst[s·B + b] = ids[b·T + t], t = s (or T − 1 − s when reverse). */
export function idsTimeMajor(dst: usize, ids: usize, B: i32, T: i32, reverse: i32): void {
  for (let b = 0; b < B; b++) {
    const src = ids + (<usize>(b * T) << 2);
    for (let t = 0; t < T; t++) {
      const s = reverse != 0 ? T - 1 - t : t;
      store<i32>(dst + (<usize>(s * B + b) << 2), load<i32>(src + (<usize>t << 2)));
    }
  }
}

/**
 * The distinct ids of ids [N], ascending, into rows [U]; rowOf [N] gets each position's row number
 * (rank of its id). rank [V] is scratch. Returns U. Ascending order keeps every sum over table rows
 * in the order of a full-table computation.
 */
export function distinctIds(ids: usize, N: i32, V: i32, rank: usize, rows: usize, rowOf: usize): i32 {
  memory.fill(rank, 0xff, <usize>V << 2); // −1: not read
  for (let n = 0; n < N; n++) store<i32>(rank + (<usize>load<i32>(ids + (<usize>n << 2)) << 2), 0);
  let U = 0;
  for (let v = 0; v < V; v++) {
    const p = rank + (<usize>v << 2);
    if (load<i32>(p) == 0) {
      store<i32>(rows + (<usize>U << 2), v);
      store<i32>(p, U++);
    }
  }
  for (let n = 0; n < N; n++) store<i32>(rowOf + (<usize>n << 2), load<i32>(rank + (<usize>load<i32>(ids + (<usize>n << 2)) << 2)));
  return U;
}

/**
 * The distinct (sample, id) pairs of ids [B, T] (input dropout: a row per pair, masked with its sample's mask),
 * in order of first reading (samples ascending): rows [U] their ids, samples [U] their samples, rowOf [B·T]
 * each position's row number. seen [V] and slot [V] are scratch. Returns U.
 */
export function distinctSampleIds(ids: usize, B: i32, T: i32, V: i32, seen: usize, slot: usize, rows: usize, samples: usize, rowOf: usize): i32 {
  memory.fill(seen, 0, <usize>V << 2); // 1 + the last sample that read the id
  let U = 0;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const n = <usize>(b * T + t) << 2;
      const id = load<i32>(ids + n);
      const ps = seen + (<usize>id << 2);
      if (load<i32>(ps) != b + 1) {
        store<i32>(ps, b + 1);
        store<i32>(slot + (<usize>id << 2), U);
        store<i32>(rows + (<usize>U << 2), id);
        store<i32>(samples + (<usize>U << 2), b);
        U++;
      }
      store<i32>(rowOf + n, load<i32>(slot + (<usize>id << 2)));
    }
  }
  return U;
}
