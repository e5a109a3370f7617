/**
 * Recurrent layer glue on the wasm backend (SimpleRNN, LSTM, GRU): lays the
 * inputs out time-major in the arena, runs the input projection as one GEMM,
 * dispatches the fused time loops (assembly/rnn/) on batch slices across the
 * threads, and does the weight / input gradients as large GEMMs. A training
 * forward keeps its cache in the arena until the matching backward (or until
 * the cache object is garbage-collected).
 * Dimensions: B batch, T time, D input features, H units, G gates (H, 4H for
 * LSTM, 3H for GRU); sequence buffers in the arena are time-major [T, B, F].
 */
import type { KernelCache, RnnBackwardArgs, RnnBackwardResult, RnnForwardArgs, RnnForwardResult, RnnKind } from '../kernels.js';
import { checkRnnInput, checkTableGrad } from '../reference/rnn-input.js';
import { checkInputProjection } from '../reference/sequence.js';
import { actCode } from './activations.js';
import type { Task, WasmRuntime } from './runtime.js';
import { paddingPlan, permuteRows, unpermuteRows } from './padding-plan.js';

/** Largest H·G (floats) whose recurrent-kernel gradient the backward time loop accumulates step by step (64 KB). */
const STEPWISE_DU_MAX = 16384;

// The forward kernels' `ring` bits (assembly/rnn/common.ts).
const RING_Z = 1;
const RING_OUT = 2;
const RING_C = 4;

interface WasmCache extends KernelCache {
  kind: RnnKind;
  B: number;
  T: number;
  D: number;
  H: number;
  G: number;
  goBackwards: boolean;
  act: number;
  ract: number;
  resetAfter: boolean;
  hasBias: boolean;
  biasLen: number;
  /** embeddedInput: the vocabulary size (0 = plain x) and whether the table was projected (x never materialised). */
  V: number;
  projected: boolean;
  /**
   * A projected table: how many rows it has (ptr.rows: their token ids; ptr.tableU: the table rows, each
   * under its sample's input mask when ptr.samples [U] names the samples).
   */
  U: number;
  ptr: Record<string, number>; // arena offsets (0 = absent)
  released: boolean;
}

/** Degenerate shapes (B, T or H = 0): nothing to compute; states pass straight through. */
interface EmptyCache extends KernelCache {
  empty: true;
  args: RnnForwardArgs;
  G: number;
  biasLen: number;
}

function emptyForward(kind: RnnKind, args: RnnForwardArgs): RnnForwardResult {
  const { B, T, D, H } = args;
  const G = (kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1) * H;
  const hLast = args.h0 ? args.h0.slice() : new Float32Array(B * H);
  const cLast = kind === 'lstm' ? (args.c0 ? args.c0.slice() : new Float32Array(B * H)) : null;
  const cache: EmptyCache = { kind, empty: true, args, G, biasLen: args.bias ? args.bias.length : 0 };
  void D;
  return { output: new Float32Array(B * T * H), hLast, cLast, cache: args.training ? cache : null };
}

function emptyBackward(c: EmptyCache, dhLast: Float32Array | null, dcLast: Float32Array | null, frozenTable: boolean): RnnBackwardResult {
  const { B, T, D, H, bias, embeddedInput } = c.args;
  return {
    dx: new Float32Array(embeddedInput ? 0 : B * T * D),
    dTable: embeddedInput && !frozenTable ? new Float32Array(embeddedInput.V * D) : null,
    dKernel: new Float32Array(D * c.G),
    dRecurrentKernel: new Float32Array(H * c.G),
    dBias: bias ? new Float32Array(c.biasLen) : null,
    dh0: dhLast ? dhLast.slice() : new Float32Array(B * H),
    dc0: c.kind === 'lstm' ? (dcLast ? dcLast.slice() : new Float32Array(B * H)) : null,
  };
}

/** The forward / backward entry points of one runtime, shared by the three layer kinds. */
export interface RnnGlue {
  forward(kind: RnnKind, args: RnnForwardArgs): RnnForwardResult;
  backward(kind: RnnKind, args: RnnBackwardArgs): RnnBackwardResult;
}

export function createRnnGlue(rt: WasmRuntime): RnnGlue {
  const ex = rt.exports;
  const registry = new FinalizationRegistry<number[]>((offs) => rt.releaseAll(offs));

  function releaseCache(c: WasmCache): void {
    if (c.released) return;
    c.released = true;
    registry.unregister(c);
    rt.releaseAll(Object.values(c.ptr));
  }

  /** Batch slices [b0, b1) for the threads. */
  function batchSlices(B: number): [number, number][] {
    const n = rt.slices(B);
    const out: [number, number][] = [];
    for (let k = 0; k < n; k++) out.push([Math.floor((k * B) / n), Math.floor(((k + 1) * B) / n)]);
    return out;
  }

  // The arena copy of the last frozen projected table (InputProjection.frozen), reused while the
  // same array comes back (a model's predict loop); one at a time, so memory stays bounded.
  let resident: { table: Float32Array; off: number } | null = null;
  function residentTable(table: Float32Array): number {
    if (resident?.table === table) return resident.off;
    if (resident) rt.release(resident.off);
    resident = { table, off: rt.put(table) };
    return resident.off;
  }

  /** ids [B, T] (arena) → a new arena buffer of the time-major processing order [T·B]: row (s, b) is ids[b, t(s)]. */
  function timeMajor(ids: number, B: number, T: number, goBackwards: boolean): number {
    const off = rt.alloc(B * T * 4);
    ex.idsTimeMajor(off, ids, B, T, goBackwards ? 1 : 0);
    return off;
  }

  /**
   * The rows of a projected table for a batch of ids [B, T] (arena): U rows (their ids in `rows` [U]) and each
   * position's row number (`rowOf` [B·T], batch-major), all arena buffers. Without an input mask: the distinct
   * ids, in ascending order, so every sum over table rows keeps the order of a full-table computation. With one
   * (input dropout: a mask per sample, the same at every step), rows are (sample, id) pairs, each to be masked
   * with its sample's mask (`samples` [U]).
   * Real text reads far fewer rows than B·T positions or V words: a batch of 32 IMDB reviews padded to
   * 400 reads ~1,460 of 5,000 ids, ~3,700 (sample, id) pairs of 12,800 positions.
   */
  function tableRows(ids: number, B: number, T: number, V: number, perSample: boolean): { U: number; rows: number; samples: number; rowOf: number } {
    const N = B * T;
    const rows = rt.alloc(Math.min(N, perSample ? N : V) * 4);
    const rowOf = rt.alloc(N * 4);
    let samples = 0;
    let U: number;
    if (!perSample) {
      const rank = rt.alloc(V * 4);
      U = ex.distinctIds(ids, N, V, rank, rows, rowOf);
      rt.release(rank);
    } else {
      samples = rt.alloc(N * 4);
      const scratch = rt.alloc(2 * V * 4); // seen [V] | slot [V]
      U = ex.distinctSampleIds(ids, B, T, V, scratch, scratch + V * 4, rows, samples, rowOf);
      rt.release(scratch);
    }
    return { U, rows, samples, rowOf };
  }

  function rnnForward(kind: RnnKind, args: RnnForwardArgs): RnnForwardResult {
    const { B, T, D, H, goBackwards, training } = args;
    if (B === 0 || T === 0 || H === 0) return emptyForward(kind, args);
    rt.wake(); // the workers get going while this thread copies the inputs in
    const G = kind === 'lstm' ? 4 * H : kind === 'gru' ? 3 * H : H;
    const resetAfter = kind === 'gru' ? (args.resetAfter ?? true) : false;
    const act = actCode(args.activation, 'activation');
    const ract = kind === 'simpleRNN' ? 0 : actCode(args.recurrentActivation, 'recurrent');
    const biasLen = kind === 'gru' && resetAfter ? 2 * G : G;
    if (args.bias && args.bias.length !== biasLen) throw new Error(`wasm ${kind}: bias has length ${args.bias.length}, expected ${biasLen}`);
    const TB = B * T;
    const proj = args.inputProjection ?? null;
    checkInputProjection(`wasm ${kind}`, args, G);
    const emb = args.embeddedInput ?? null;
    checkRnnInput(`wasm ${kind}`, args);
    // Every sequence buffer is time-major [T, B, F] in processing order.
    const p: Record<string, number> = {};
    const temps: number[] = [];
    // Everything allocated goes into p (kept in the cache when training) or temps: on a throw both are released.
    try {
      // Project the rows of the embedding table the batch reads (tableRows) instead of every step's x (B·T rows)
      // when there are at most 3/4 as many: then the three GEMMs over them (table·W, and in the backward the
      // weight and table gradients) outweigh the scatter of the gate gradients onto the rows.
      const returnSequences = args.returnSequences ?? true;
      // shared padding (padding-plan.ts): inference that keeps only the last state, from a zero state, over ids
      const slices = batchSlices(B);
      const padIds = !training && !returnSequences && !args.h0 && !args.c0 && !args.recurrentMask && !args.inputMask ? (proj?.ids ?? emb?.ids) : undefined;
      const plan = padIds ? paddingPlan(padIds, B, T, goBackwards, slices) : null;
      const inOrder = (ids: Int32Array): Int32Array => (plan ? permuteRows(ids, plan.perm, T) : ids);
      if (plan) p.pad = rt.putInts(plan.lead);
      const embIds = emb ? rt.putInts(inOrder(emb.ids)) : 0; // [B, T]
      if (embIds) temps.push(embIds);
      let projection = emb ? tableRows(embIds, B, T, emb.V, !!args.inputMask) : null;
      if (projection && projection.U > 0.75 * TB) {
        rt.releaseAll([projection.rows, projection.samples, projection.rowOf]);
        projection = null;
      }
      if (projection) {
        temps.push(projection.rowOf);
        p.rows = projection.rows;
        p.samples = projection.samples;
      }
      const projectTable = projection !== null;
      // Inference streams where it can (assembly/rnn/common.ts): projection rows gathered step by step
      // from a projected table into one [B, G] slot, and two slots of out / Cs instead of T.
      const streamZ = !training && (!!proj || projectTable);
      const ring = (streamZ ? RING_Z : 0) | (!training && !returnSequences ? RING_OUT : 0) | (!training && kind === 'lstm' ? RING_C : 0);
      const outSteps = ring & RING_OUT ? 2 : T;
      // weights are read in place when they live in wasm memory (a model's parameters); releasing
      // such an offset later is a no-op (runtime.input)
      p.U = rt.input(args.recurrentKernel);
      p.bias = args.bias ? rt.input(args.bias) : 0;
      p.h0 = args.h0 ? rt.put(args.h0) : rt.zeros(B * H);
      p.mask = args.recurrentMask ? rt.put(args.recurrentMask) : 0;
      p.inMask = args.inputMask ? rt.put(args.inputMask) : 0; // [B, D]
      p.out = rt.alloc(outSteps * B * H * 4);
      p.HM = training ? rt.alloc(TB * H * 4) : 0;
      const tmp = rt.alloc(B * H * 4);
      temps.push(tmp);
      // input projection of every step: P = xs·W + b  ([T·B, G]), or rows of a projected table that the
      // kernels gather step by step (into a single [B, G] slot when streaming)
      p.P = rt.alloc((streamZ ? B : TB) * G * 4);
      let U = 0; // a projected embedding table: the number of distinct rows the batch reads
      let tbl = 0; // a projected table [rows, G] and time-major ids [T, B] the kernels gather from
      let tblIds = 0;
      if (proj) {
        tbl = proj.frozen ? residentTable(proj.table) : rt.put(proj.table);
        const idsBT = rt.putInts(inOrder(proj.ids));
        tblIds = timeMajor(idsBT, B, T, goBackwards);
        temps.push(idsBT, tblIds);
        if (!proj.frozen) temps.push(tbl);
      } else if (emb) {
        p.W = rt.input(args.kernel);
        p.table = rt.input(emb.table);
        if (projection) {
          // the rows the batch reads: tableU [U, D] (masked per sample under input dropout), TW [U, G] = tableU·W + b,
          // and the ids as row numbers
          U = projection.U;
          p.ids = timeMajor(projection.rowOf, B, T, goBackwards);
          p.tableU = rt.alloc(U * D * 4);
          rt.gather(p.tableU, p.table, p.rows, U, D);
          if (p.samples) ex.maskRowsBy(p.tableU, p.inMask, p.samples, U, D);
          const TW = rt.alloc(U * G * 4);
          temps.push(TW);
          rt.gemm(U, G, D, p.tableU, D, 1, p.W, G, 1, TW, G, { bias: p.bias });
          tbl = TW; // the kernels gather each step's rows themselves
          tblIds = p.ids;
        } else {
          p.ids = timeMajor(embIds, B, T, goBackwards);
          p.xs = rt.alloc(TB * D * 4);
          rt.gather(p.xs, p.table, p.ids, TB, D);
          if (p.inMask) ex.maskSteps(p.xs, p.inMask, T, B, D);
          rt.gemm(TB, G, D, p.xs, D, 1, p.W, G, 1, p.P, G, { bias: p.bias });
        }
      } else {
        const raw = rt.put(args.x);
        temps.push(raw);
        p.xs = rt.alloc(TB * D * 4);
        rt.toTimeMajor(p.xs, raw, B, T, D, goBackwards);
        if (p.inMask) ex.maskSteps(p.xs, p.inMask, T, B, D);
        p.W = rt.input(args.kernel);
        rt.gemm(TB, G, D, p.xs, D, 1, p.W, G, 1, p.P, G, { bias: p.bias });
      }
      // the recurrent kernel, packed once for all steps (GRU without resetAfter: z|r and h columns apart)
      if (kind === 'gru' && !resetAfter) {
        temps.push((p.Up = rt.pack(p.U, H, 2 * H, G, 1)));
        temps.push((p.Uh = rt.pack(p.U + 2 * H * 4, H, H, G, 1)));
      } else temps.push((p.Up = rt.pack(p.U, H, G, G, 1)));
      if (kind === 'lstm') {
        p.c0 = args.c0 ? rt.put(args.c0) : rt.zeros(B * H);
        p.Cs = rt.alloc((ring & RING_C ? 2 * B : TB) * H * 4);
        p.AC = training ? rt.alloc(TB * H * 4) : 0;
      } else if (kind === 'gru') {
        p.RH = training ? rt.alloc(TB * H * 4) : 0;
        temps.push((p.RP = rt.alloc(B * G * 4)));
      }
      const tasks: Task[] = slices.map(([b0, b1]) => {
        const o = (f: number): number => b0 * f * 4;
        const Bs = b1 - b0;
        const mask = p.mask ? p.mask + o(H) : 0;
        const HM = p.HM ? p.HM + o(H) : 0;
        const gather = [tbl, tblIds ? tblIds + b0 * 4 : 0, ring, p.pad ? p.pad + b0 * 4 : 0];
        if (kind === 'simpleRNN') {
          return { fn: 'simpleRnnForward', args: [Bs, B, T, H, p.Up, p.h0 + o(H), mask, act, p.P + o(G), p.out + o(H), HM, tmp + o(H), ...gather] };
        }
        if (kind === 'lstm') {
          return {
            fn: 'lstmForward',
            args: [Bs, B, T, H, p.Up, p.h0 + o(H), p.c0 + o(H), mask, act, ract, p.P + o(G), p.Cs + o(H), p.AC ? p.AC + o(H) : 0,
              p.out + o(H), HM, tmp + o(H), ...gather],
          };
        }
        const brec = resetAfter && p.bias ? p.bias + G * 4 : 0;
        return {
          fn: 'gruForward',
          args: [Bs, B, T, H, p.Up, p.Uh ?? 0, brec, resetAfter ? 1 : 0, p.h0 + o(H), mask, act, ract, p.P + o(G), p.RH ? p.RH + o(H) : 0,
            p.RP + o(G), p.out + o(H), HM, tmp + o(H), ...gather],
        };
      });
      rt.run(tasks);
      p.RP = p.Up = p.Uh = 0;
      rt.releaseAll(temps);
      temps.length = 0;

      let output: Float32Array = new Float32Array(0);
      if (returnSequences) {
        const outBT = rt.alloc(TB * H * 4);
        rt.fromTimeMajor(outBT, p.out, B, T, H, false);
        output = rt.copyOut(outBT, TB * H);
        rt.release(outBT);
      }
      const last = (buf: number, ringBit: number): number => buf + (ring & ringBit ? (T - 1) & 1 : T - 1) * B * H * 4;
      const inBatchOrder = (a: Float32Array): Float32Array => (plan ? unpermuteRows(a, plan.perm, H) : a);
      const hLast = inBatchOrder(rt.copyOut(last(p.out, RING_OUT), B * H));
      const cLast = kind === 'lstm' ? inBatchOrder(rt.copyOut(last(p.Cs, RING_C), B * H)) : null;
      if (!training) {
        rt.releaseAll(Object.values(p));
        return { output, hLast, cLast, cache: null };
      }
      const cache: WasmCache = {
        kind,
        B, T, D, H, G,
        goBackwards,
        act,
        ract,
        resetAfter,
        hasBias: !!args.bias,
        biasLen,
        V: emb ? emb.V : 0,
        projected: projectTable,
        U,
        ptr: p,
        released: false,
      };
      registry.register(cache, Object.values(p), cache);
      return { output, hLast, cLast, cache };
    } catch (e) {
      rt.releaseAll(temps);
      rt.releaseAll(Object.values(p));
      throw e;
    }
  }

  function rnnBackward(kind: RnnKind, { cache: anyCache, dOutput, dhLast, dcLast, tableGrad, frozenTable }: RnnBackwardArgs): RnnBackwardResult {
    if ((anyCache as { empty?: boolean }).empty) return emptyBackward(anyCache as unknown as EmptyCache, dhLast, dcLast ?? null, frozenTable ?? false);
    const c = anyCache as WasmCache;
    if (!c || c.kind !== kind || !c.ptr) throw new Error(`wasm ${kind}Backward: got a ${anyCache?.kind} cache (not from this backend's ${kind} forward)`);
    if (c.released) throw new Error(`wasm ${kind}Backward: this cache was already consumed by a backward pass (each forward allows one backward)`);
    const { B, T, D, H, G } = c;
    // checked before any work, so a wrong tableGrad leaves the cache usable for a corrected call
    const frozen = c.V > 0 && frozenTable === true; // a frozen table: no input or table gradient at all
    if (tableGrad && c.V && !frozen) checkTableGrad(`wasm ${kind}Backward`, tableGrad, c.V, D);
    const p = c.ptr;
    rt.wake();
    const TB = B * T;
    const temps: number[] = [];
    const t = (off: number): number => {
      temps.push(off);
      return off;
    };
    try {
      const Ut = t(rt.pack(p.U, G, H, 1, G)); // Uᵀ [G, H], packed
      let dOut = 0;
      if (dOutput) {
        const raw = t(rt.put(dOutput));
        dOut = t(rt.alloc(TB * H * 4));
        rt.toTimeMajor(dOut, raw, B, T, H, false);
      }
      const dhN = t(dhLast ? rt.put(dhLast) : rt.zeros(B * H));
      const dcN = kind === 'lstm' ? t(dcLast ? rt.put(dcLast) : rt.zeros(B * H)) : 0;
      const dhP = t(rt.alloc(B * H * 4));
      const dRH = kind === 'gru' ? t(rt.alloc(B * H * 4)) : 0;
      const slices = batchSlices(B);
      // bias gradient: accumulated during the time loop, one partial per slice
      const dbs = c.hasBias ? slices.map(() => t(rt.zeros(c.biasLen))) : [];
      // dRecurrentKernel: for a small [H, G] (fits in L1) the time loop accumulates it step by step
      // while each step's gate gradients are in cache, one partial per slice; else one GEMM afterwards
      const dUs = H * G <= STEPWISE_DU_MAX ? slices.map(() => t(rt.zeros(H * G))) : [];
      // 1. through time, per batch slice: P (activations) becomes dP, the gradient of the input projection
      const tasks: Task[] = slices.map(([b0, b1], k) => {
        const o = (f: number): number => b0 * f * 4;
        const Bs = b1 - b0;
        const mask = p.mask ? p.mask + o(H) : 0;
        const dO = dOut ? dOut + o(H) : 0;
        const db = c.hasBias ? dbs[k] : 0;
        const dUk = dUs.length ? dUs[k] : 0;
        if (kind === 'simpleRNN') {
          return { fn: 'simpleRnnBackward', args: [Bs, B, T, H, Ut, mask, c.act, p.P + o(G), p.out + o(H), dO, dhN + o(H), dhP + o(H), db, p.HM + o(H), dUk] };
        }
        if (kind === 'lstm') {
          return {
            fn: 'lstmBackward',
            args: [Bs, B, T, H, Ut, p.c0 + o(H), mask, c.act, c.ract, p.P + o(G), p.Cs + o(H), p.AC + o(H), dO, dhN + o(H), dcN + o(H), dhP + o(H), db,
              p.HM + o(H), dUk],
          };
        }
        return {
          fn: 'gruBackward',
          args: [Bs, B, T, H, Ut, c.resetAfter ? 1 : 0, p.h0 + o(H), mask, c.act, c.ract, p.P + o(G), p.RH + o(H), p.out + o(H), p.HM + o(H),
            dO, dhN + o(H), dhP + o(H), dRH + o(H), db, dUk],
        };
      });
      rt.run(tasks);
      // 2. weight and input gradients as large GEMMs over all T·B rows (over the U table rows read when the table was projected)
      const dW = t(rt.zeros(D * G));
      const dU = t(rt.zeros(H * G));
      const db = c.hasBias ? dbs[0] : 0;
      for (let k = 1; k < dbs.length; k++) ex.addInto(db, dbs[k], c.biasLen);
      let dS = 0; // projected table: dS [U, G], row u = Σ of dP over the positions that read table row u
      if (c.projected) {
        dS = t(rt.alloc(c.U * G * 4));
        rt.scatter(dS, p.ids, p.P, TB, G, c.U, true);
      }
      // dW = xᵀ·dP, or tableᵀ·dS (A(d, row) read column-strided from the row-major x / table);
      // dRecurrentKernel from the step-wise partials, else HMᵀ·dP (GRU: by blocks) over all T·B rows
      if (!dUs.length && kind !== 'gru' && !c.projected) {
        const dZp = t(rt.pack(p.P, TB, G, G, 1)); // both gradients read dP over T·B rows: pack it once
        rt.gemmPacked(D, G, TB, p.xs, 1, D, dZp, TB, dW, G);
        rt.gemmPacked(H, G, TB, p.HM, 1, H, dZp, TB, dU, G);
      } else {
        if (c.projected) rt.gemm(D, G, c.U, p.tableU, 1, D, dS, G, 1, dW, G);
        else rt.gemm(D, G, TB, p.xs, 1, D, p.P, G, 1, dW, G);
        if (dUs.length) for (const part of dUs) ex.addInto(dU, part, H * G);
        else if (kind === 'gru') {
          const H2 = 2 * H;
          rt.gemm(H, H2, TB, p.HM, 1, H, p.P, G, 1, dU, G);
          if (c.resetAfter) rt.gemm(H, H, TB, p.HM, 1, H, p.RH, H, 1, dU + H2 * 4, G);
          else rt.gemm(H, H, TB, p.RH, 1, H, p.P + H2 * 4, G, 1, dU + H2 * 4, G);
        } else rt.gemm(H, G, TB, p.HM, 1, H, p.P, G, 1, dU, G);
      }
      // the input gradient: dP·Wᵀ per step ([T·B, D], masked like x), or per table row (dS·Wᵀ: the table gradient itself)
      let dxs = 0;
      if (!c.projected && !frozen) {
        dxs = t(rt.alloc(TB * D * 4));
        rt.gemm(TB, D, G, p.P, G, 1, p.W, 1, G, dxs, D, { bias: 0 });
        if (p.inMask) ex.maskSteps(dxs, p.inMask, T, B, D);
      }
      let dx: Float32Array = new Float32Array(0);
      let dTable: Float32Array | null = null;
      if (c.V) {
        if (!frozen) {
          // the table gradient, added into tableGrad when given (no fresh [V, E] buffer to add in JS),
          // in place when tableGrad lives in wasm memory (a model's gradient buffer)
          const dT = t(tableGrad ? rt.input(tableGrad) : rt.zeros(c.V * D));
          if (c.projected) {
            // dS·Wᵀ for the rows read, added onto their table rows
            const dTU = t(rt.alloc(c.U * D * 4));
            rt.gemm(c.U, D, G, dS, G, 1, p.W, 1, G, dTU, D, { bias: 0 });
            if (p.samples) ex.maskRowsBy(dTU, p.inMask, p.samples, c.U, D); // through x = row ⊙ mask
            rt.scatter(dT, p.rows, dTU, c.U, D, c.V);
          } else rt.scatter(dT, p.ids, dxs, TB, D, c.V);
          if (tableGrad) {
            if (rt.residentOffset(tableGrad) < 0) tableGrad.set(rt.f32(dT, c.V * D));
          } else dTable = rt.copyOut(dT, c.V * D);
        }
      } else {
        const dxBT = t(rt.alloc(TB * D * 4));
        rt.fromTimeMajor(dxBT, dxs, B, T, D, c.goBackwards);
        dx = rt.copyOut(dxBT, TB * D);
      }
      return {
        dx,
        dTable,
        dKernel: rt.copyOut(dW, D * G),
        dRecurrentKernel: rt.copyOut(dU, H * G),
        dBias: db ? rt.copyOut(db, c.biasLen) : null,
        dh0: rt.copyOut(dhN, B * H),
        dc0: kind === 'lstm' ? rt.copyOut(dcN, B * H) : null,
      };
    } finally {
      rt.releaseAll(temps);
      releaseCache(c);
    }
  }

  return { forward: rnnForward, backward: rnnBackward };
}
