/** Embedding lookup (gather) and its gradient (scatter-add), and the argument checks both backends share. */

/**
 * ids must hold N token ids, each a row of a [V, E] table, and dOut (when given) N·E floats: the kernels index
 * memory with the ids, so a bad one is an error naming it, not garbage (or, in wasm memory, a write outside the table).
 */
export function checkEmbeddingArgs(name: string, ids: Int32Array, N: number, E: number, V: number, dOut?: Float32Array): void {
  if (!(Number.isInteger(N) && N >= 0 && Number.isInteger(E) && E >= 0 && Number.isInteger(V) && V >= 0)) throw new Error(`${name}: N, E and V must be integers ≥ 0, got N=${N} E=${E} V=${V}`);
  if (ids.length !== N) throw new Error(`${name}: ${ids.length} ids given, expected N = ${N}`);
  if (dOut && dOut.length !== N * E) throw new Error(`${name}: dOut has length ${dOut.length}, expected ${N * E} (N·E)`);
  const n = firstIdOutside(ids, V);
  if (n >= 0) throw new Error(`${name}: id ${ids[n]} at position ${n} is outside the table's rows [0, ${V})`);
}

/** The position of the first id outside [0, rows), or −1 (the one range pass behind every kernel-level id check). */
export function firstIdOutside(ids: Int32Array, rows: number): number {
  for (let n = 0; n < ids.length; n++) if (ids[n] < 0 || ids[n] >= rows) return n;
  return -1;
}

/** The rows V of a [V, E] table given flat; E = 0 (rows of nothing) allows any id ≥ 0. */
export function tableRowCount(name: string, table: Float32Array, E: number): number {
  if (E === 0) {
    if (table.length !== 0) throw new Error(`${name}: table has length ${table.length}, expected 0 for E = 0`);
    return 2 ** 31 - 1;
  }
  if (!(Number.isInteger(E) && E > 0) || table.length % E !== 0) throw new Error(`${name}: table has length ${table.length}, not a multiple of E = ${E}`);
  return table.length / E;
}

/** out[N,E] = table[ids[n], :] */
export function embeddingForward(ids: Int32Array, table: Float32Array, N: number, E: number): Float32Array {
  checkEmbeddingArgs('embeddingForward', ids, N, E, tableRowCount('embeddingForward', table, E));
  const out = new Float32Array(N * E);
  for (let n = 0; n < N; n++) out.set(table.subarray(ids[n] * E, ids[n] * E + E), n * E);
  return out;
}

/** dTable[V,E]: row ids[n] accumulates dOut[n, :] (repeated ids add up). */
export function embeddingBackward(ids: Int32Array, dOut: Float32Array, N: number, E: number, V: number): Float32Array {
  checkEmbeddingArgs('embeddingBackward', ids, N, E, V, dOut);
  const dTable = new Float32Array(V * E);
  for (let n = 0; n < N; n++) {
    const row = ids[n] * E;
    for (let e = 0; e < E; e++) dTable[row + e] += dOut[n * E + e];
  }
  return dTable;
}
