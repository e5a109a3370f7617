/**
 * The input side of the reference RNN kernels, by definition: embeddedInput
 * gathers x = table[ids], inputMask multiplies every step's x by the [B, D]
 * dropout mask; then the plain kernel runs. In backward, dx gets the same mask
 * and, for embedded input, is scattered back onto the table rows
 * (embeddingBackward), added into tableGrad when one is given.
 * Dimensions: B batch, T time, D input features (= E, the embedding width), V vocabulary.
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { checkIdsInRange } from './sequence.js';

interface InputCache extends KernelCache {
  inner: KernelCache;
  ids: Int32Array | null; // [B·T] with embeddedInput
  V: number;
  inputMask: Float32Array | null; // [B, D]
  B: number;
  T: number;
  D: number;
}

function isInputCache(c: KernelCache): c is InputCache {
  return (c as Partial<InputCache>).inner !== undefined;
}

/** Checks embeddedInput and inputMask against B, T, D (shared with the wasm backend's glue). */
export function checkRnnInput(name: string, args: RnnForwardArgs): void {
  if (args.inputMask && args.inputMask.length !== args.B * args.D) throw new Error(`${name}: inputMask has length ${args.inputMask.length}, expected B·D = ${args.B}·${args.D}`);
  const e = args.embeddedInput;
  if (!e) return;
  if (args.inputProjection) throw new Error(`${name}: give either embeddedInput or inputProjection, not both`);
  if (!(e.ids instanceof Int32Array) || e.ids.length !== args.B * args.T) throw new Error(`${name}: embeddedInput needs ${args.B * args.T} int32 ids (B·T), got ${e.ids.length}`);
  if (!Number.isInteger(e.V) || e.V <= 0 || e.table.length !== e.V * args.D) throw new Error(`${name}: embeddedInput table has length ${e.table.length}, expected V·E = ${e.V}·${args.D}`);
  checkIdsInRange(name, 'embeddedInput', e.ids, e.V, args.T);
}

/** Checks RnnBackwardArgs.tableGrad's length against the forward's table (shared with the wasm glue). */
export function checkTableGrad(name: string, tableGrad: Float32Array, V: number, E: number): void {
  if (tableGrad.length !== V * E) throw new Error(`${name}: tableGrad has length ${tableGrad.length}, expected V·E = ${V}·${E}`);
}

/** x[b, t, :] ⊙ mask[b, :] for a [B, T, D] sequence, in place. */
function maskSteps(x: Float32Array, mask: Float32Array, B: number, T: number, D: number): void {
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let d = 0; d < D; d++) x[(b * T + t) * D + d] *= mask[b * D + d];
}

/** Wraps a reference RNN forward/backward pair so they accept embeddedInput and inputMask. */
export function withRnnInput(
  name: string,
  forward: (a: RnnForwardArgs) => RnnForwardResult,
  backward: (a: RnnBackwardArgs) => RnnBackwardResult,
): [(a: RnnForwardArgs) => RnnForwardResult, (a: RnnBackwardArgs) => RnnBackwardResult] {
  const fwd = (args: RnnForwardArgs): RnnForwardResult => {
    const e = args.embeddedInput;
    const mask = args.inputMask ?? null;
    if (!e && !mask) return forward(args);
    checkRnnInput(name, args);
    const { B, T, D } = args;
    const x = e ? embeddingForward(e.ids, e.table, e.ids.length, D) : args.x.slice();
    if (mask) maskSteps(x, mask, B, T, D);
    const r = forward({ ...args, x, embeddedInput: null, inputMask: null });
    const cache: InputCache | null = r.cache ? { kind: r.cache.kind, inner: r.cache, ids: e ? e.ids : null, V: e ? e.V : 0, inputMask: mask, B, T, D } : null;
    return { ...r, cache };
  };
  const bwd = (args: RnnBackwardArgs): RnnBackwardResult => {
    if (!args.cache || !isInputCache(args.cache)) return backward(args);
    const c = args.cache;
    if (c.ids && args.tableGrad && !args.frozenTable) checkTableGrad(name, args.tableGrad, c.V, c.D);
    const r = backward({ ...args, cache: c.inner });
    if (c.inputMask) maskSteps(r.dx, c.inputMask, c.B, c.T, c.D);
    if (!c.ids) return r;
    if (args.frozenTable) return { ...r, dx: new Float32Array(0), dTable: null };
    const dTable = embeddingBackward(c.ids, r.dx, c.ids.length, c.D, c.V);
    if (!args.tableGrad) return { ...r, dx: new Float32Array(0), dTable };
    for (let i = 0; i < dTable.length; i++) args.tableGrad[i] += dTable[i];
    return { ...r, dx: new Float32Array(0), dTable: null };
  };
  return [fwd, bwd];
}
