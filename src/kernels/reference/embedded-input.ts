/**
 * RnnForwardArgs.embeddedInput on the reference backend, by its definition:
 * gather x = table[ids] and run the plain kernel; in backward the table
 * gradient is dx scattered back onto the rows (embeddingBackward).
 * Dimensions: B batch, T time, E = D embedding width, V vocabulary.
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult } from '../kernels.js';
import { embeddingBackward, embeddingForward } from './embedding.js';

interface EmbeddedCache extends KernelCache {
  inner: KernelCache;
  ids: Int32Array; // [B·T]
  V: number;
  E: number;
}

function isEmbeddedCache(c: KernelCache): c is EmbeddedCache {
  return (c as Partial<EmbeddedCache>).inner !== undefined;
}

/** Checks embeddedInput against B, T, D (shared with the wasm backend's glue). */
export function checkEmbeddedInput(name: string, args: RnnForwardArgs): void {
  const e = args.embeddedInput;
  if (!e) return;
  if (args.inputProjection) throw new Error(`${name}: give either embeddedInput or inputProjection, not both`);
  if (!(e.ids instanceof Int32Array) || e.ids.length !== args.B * args.T) throw new Error(`${name}: embeddedInput needs ${args.B * args.T} int32 ids (B·T), got ${e.ids.length}`);
  if (!Number.isInteger(e.V) || e.V <= 0 || e.table.length !== e.V * args.D) throw new Error(`${name}: embeddedInput table has length ${e.table.length}, expected V·E = ${e.V}·${args.D}`);
}

/** Checks RnnBackwardArgs.tableGrad's length against the forward's table (shared with the wasm glue). */
export function checkTableGrad(name: string, tableGrad: Float32Array, V: number, E: number): void {
  if (tableGrad.length !== V * E) throw new Error(`${name}: tableGrad has length ${tableGrad.length}, expected V·E = ${V}·${E}`);
}

/** Wraps a reference RNN forward/backward pair so they accept embeddedInput. */
export function withEmbeddedInput(
  name: string,
  forward: (a: RnnForwardArgs) => RnnForwardResult,
  backward: (a: RnnBackwardArgs) => RnnBackwardResult,
): [(a: RnnForwardArgs) => RnnForwardResult, (a: RnnBackwardArgs) => RnnBackwardResult] {
  const fwd = (args: RnnForwardArgs): RnnForwardResult => {
    const e = args.embeddedInput;
    if (!e) return forward(args);
    checkEmbeddedInput(name, args);
    const x = embeddingForward(e.ids, e.table, e.ids.length, args.D);
    const r = forward({ ...args, x, embeddedInput: null });
    const cache: EmbeddedCache | null = r.cache ? { kind: r.cache.kind, inner: r.cache, ids: e.ids, V: e.V, E: args.D } : null;
    return { ...r, cache };
  };
  const bwd = (args: RnnBackwardArgs): RnnBackwardResult => {
    if (!args.cache || !isEmbeddedCache(args.cache)) return backward(args);
    const c = args.cache;
    const r = backward({ ...args, cache: c.inner });
    const dTable = embeddingBackward(c.ids, r.dx, c.ids.length, c.E, c.V);
    if (!args.tableGrad) return { ...r, dx: new Float32Array(0), dTable };
    checkTableGrad(name, args.tableGrad, c.V, c.E);
    for (let i = 0; i < dTable.length; i++) args.tableGrad[i] += dTable[i];
    return { ...r, dx: new Float32Array(0), dTable: null };
  };
  return [fwd, bwd];
}
