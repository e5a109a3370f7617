/**
 * Helpers shared by the reference RNN kernels: moving one time step between
 * a [B, T, F] sequence buffer and a [B, F] step buffer, and the step order.
 */
import type { RnnForwardArgs } from '../kernels.js';
import { matmulAcc } from './matmul.js';
import { firstIdOutside } from './embedding.js';


/** Time index consumed at processing step s (goBackwards reads the sequence last to first). */
export function timeAt(s: number, T: number, goBackwards: boolean): number {
  return goBackwards ? T - 1 - s : s;
}

/** Copies seq[:, t, :] ([B, T, F]) into a new [B, F] buffer. */
export function readStep(seq: Float32Array, t: number, B: number, T: number, F: number): Float32Array {
  const out = new Float32Array(B * F);
  for (let b = 0; b < B; b++) out.set(seq.subarray((b * T + t) * F, (b * T + t + 1) * F), b * F);
  return out;
}

/** seq[:, t, :] += step ([B, F]). */
export function addStep(seq: Float32Array, step: Float32Array, t: number, B: number, T: number, F: number): void {
  for (let b = 0; b < B; b++) {
    const o = (b * T + t) * F;
    for (let f = 0; f < F; f++) seq[o + f] += step[b * F + f];
  }
}

/** seq[:, t, :] = step ([B, F]). */
export function writeStep(seq: Float32Array, step: Float32Array, t: number, B: number, T: number, F: number): void {
  for (let b = 0; b < B; b++) seq.set(step.subarray(b * F, (b + 1) * F), (b * T + t) * F);
}

/** a ⊙ mask, or a itself when there is no mask. */
export function applyMask(a: Float32Array, mask: Float32Array | null): Float32Array {
  if (!mask) return a;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] * mask[i];
  return out;
}

/** Broadcast a [G·H] (or the first row of a [2, G·H]) bias into every row of a [B, G·H] buffer. */
export function rowsOfBias(bias: Float32Array | null, B: number, width: number, row = 0): Float32Array {
  const out = new Float32Array(B * width);
  if (bias) for (let b = 0; b < B; b++) out.set(bias.subarray(row * width, (row + 1) * width), b * width);
  return out;
}

export function sumRowsInto(out: Float32Array, a: Float32Array, rows: number, width: number, offset = 0): void {
  for (let r = 0; r < rows; r++) for (let j = 0; j < width; j++) out[offset + j] += a[r * width + j];
}

/**
 * The input projection of processing step s, [B, width] = x_t·kernel + input bias
 * (`bias` row `row`), or the step's rows gathered from args.inputProjection when it is given.
 */
export function inputStep(args: RnnForwardArgs, s: number, width: number, bias: Float32Array | null, row = 0): Float32Array {
  const { B, T, D } = args;
  const t = timeAt(s, T, args.goBackwards);
  if (args.inputProjection) {
    const { table, ids } = args.inputProjection;
    const out = new Float32Array(B * width);
    for (let b = 0; b < B; b++) {
      const row = ids[b * T + t];
      out.set(table.subarray(row * width, (row + 1) * width), b * width);
    }
    return out;
  }
  const out = rowsOfBias(bias, B, width, row);
  matmulAcc(out, readStep(args.x, t, B, T, D), args.kernel, B, D, width);
  return out;
}

/**
 * Token ids [B, T] must pick rows of a table of `rows` rows: the kernels index memory with them (the layers check
 * their inputs too; this guards direct kernel callers against silent garbage).
 */
export function checkIdsInRange(name: string, what: string, ids: Int32Array, rows: number, T: number): void {
  const i = firstIdOutside(ids, rows);
  if (i >= 0) throw new Error(`${name}: ${what} id ${ids[i]} (batch row ${Math.floor(i / T)}, step ${i % T}) is outside [0, ${rows})`);
}

/** Throws when inputProjection is given with training (it has no gradient path to x and kernel), or has the wrong shape or ids. */
export function checkInputProjection(name: string, args: RnnForwardArgs, width: number): void {
  if (!args.inputProjection) return;
  if (args.training) throw new Error(`${name}: inputProjection is for inference only (training must be false)`);
  const { table, ids } = args.inputProjection;
  if (ids.length !== args.B * args.T) throw new Error(`${name}: inputProjection has ${ids.length} ids, expected B·T = ${args.B * args.T}`);
  if (table.length % width !== 0) throw new Error(`${name}: inputProjection table has length ${table.length}, not a multiple of G·H = ${width}`);
  checkIdsInRange(name, 'inputProjection', ids, table.length / width, args.T);
}
