/**
 * Shared padding in inference. A batch of texts padded in front (Keras `padSequences`, padding 'pre') starts
 * most rows with the padding id, and while a row reads only padding its state is the same as every other such
 * row's: the kernels compute that stretch once (assembly/rnn/common.ts). For that they need the rows of each
 * thread's slice sorted by their number of leading padding ids, most first; this plan gives the row order (rows
 * dealt round-robin from the sorted list, so the threads get equal work) and the counts in that order.
 * Dimensions: B batch, T time.
 */

/** The id padSequences pads with (Keras's value 0, the id `maskZero` reserves). */
const PAD_ID = 0;
/** Below this share of row-steps saved (B·T / 16) the batch runs as it is: reordering it would not pay. */
const MIN_SAVED_SHARE = 1 / 16;

export interface PaddingPlan {
  /** Row i of the reordered batch is row perm[i] of the batch. [B] */
  perm: Int32Array;
  /** Leading padding ids of each reordered row, descending within each slice. [B] */
  lead: Int32Array;
}

/**
 * The plan for ids [B, T] read in processing order (reversed with goBackwards), or null when too little
 * of the batch is shared padding. `slices` are the threads' row ranges [b0, b1) of the batch.
 */
export function paddingPlan(ids: Int32Array, B: number, T: number, goBackwards: boolean, slices: [number, number][]): PaddingPlan | null {
  const lead = new Int32Array(B);
  let saved = 0;
  let most = 0;
  for (let b = 0; b < B; b++) {
    const row = b * T;
    let k = 0;
    if (goBackwards) while (k < T && ids[row + T - 1 - k] === PAD_ID) k++;
    else while (k < T && ids[row + k] === PAD_ID) k++;
    lead[b] = k;
    saved += k;
    most = Math.max(most, k);
  }
  // each slice computes its longest padding once: ~one row's worth of padding is not saved per slice
  if (saved - most * slices.length < B * T * MIN_SAVED_SHARE) return null;
  const order = Array.from({ length: B }, (_, b) => b).sort((x, y) => lead[y] - lead[x] || x - y);
  const perm = new Int32Array(B);
  const sortedLead = new Int32Array(B);
  const next = slices.map(([b0]) => b0);
  let k = 0;
  for (const b of order) {
    while (next[k] >= slices[k][1]) k = (k + 1) % slices.length;
    perm[next[k]] = b;
    sortedLead[next[k]] = lead[b];
    next[k]++;
    k = (k + 1) % slices.length;
  }
  return { perm, lead: sortedLead };
}

/** The rows of ids [B, T] in the plan's order. */
export function permuteRows(ids: Int32Array, perm: Int32Array, T: number): Int32Array {
  const out = new Int32Array(ids.length);
  for (let i = 0; i < perm.length; i++) out.set(ids.subarray(perm[i] * T, perm[i] * T + T), i * T);
  return out;
}

/** Back to the batch's order: row perm[i] of the result is row i of `a` ([B, F]). */
export function unpermuteRows(a: Float32Array, perm: Int32Array, F: number): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < perm.length; i++) out.set(a.subarray(i * F, i * F + F), perm[i] * F);
  return out;
}
