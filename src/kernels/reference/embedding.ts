/** Embedding lookup (gather) and its gradient (scatter-add). */

/** out[N,E] = table[ids[n], :] */
export function embeddingForward(ids: Int32Array, table: Float32Array, N: number, E: number): Float32Array {
  const out = new Float32Array(N * E);
  for (let n = 0; n < N; n++) out.set(table.subarray(ids[n] * E, ids[n] * E + E), n * E);
  return out;
}

/** dTable[V,E]: row ids[n] accumulates dOut[n, :] (repeated ids add up). */
export function embeddingBackward(ids: Int32Array, dOut: Float32Array, N: number, E: number, V: number): Float32Array {
  const dTable = new Float32Array(V * E);
  for (let n = 0; n < N; n++) {
    const row = ids[n] * E;
    for (let e = 0; e < E; e++) dTable[row + e] += dOut[n * E + e];
  }
  return dTable;
}
