/**
 * Wasm runtime: instantiates the AssemblyScript kernels (assembly/index.ts)
 * over one linear memory, manages an arena inside it, and runs work on a
 * worker_threads pool over a shared memory when threads > 1 (Node only).
 *
 * The arena is a first-fit free list with coalescing, managed from JS; the
 * kernels only see raw byte offsets. Memory grows on demand and is reused, so a
 * training loop's footprint stays flat.
 */
import { WASM_MAX_PAGES, WASM_PLAIN_BASE64, WASM_PLAIN_RELAXED_BASE64, WASM_SHARED_BASE64, WASM_SHARED_RELAXED_BASE64 } from './binary.generated.js';
import { WorkerPool } from './pool.js';
import { wasmApi, type WasmApi, type WasmMemory, type WasmModule } from './wasm-api.js';

/** The raw exports of the wasm module (pointers are byte offsets). */
export interface WasmExports {
  heapBase(): number;
  gemm(M: number, N: number, K: number, a: number, ars: number, acs: number, b: number, ldb: number, c: number, ldc: number): void;
  packB(dst: number, b: number, K: number, N: number, brs: number, bcs: number): void;
  packedSize(K: number, N: number): number;
  setScratch(p: number): void;
  embeddingGather(out: number, table: number, ids: number, N: number, E: number): void;
  embeddingScatter(dTable: number, ids: number, dOut: number, N: number, E: number): void;
  idsTimeMajor(dst: number, ids: number, B: number, T: number, reverse: number): void;
  distinctIds(ids: number, N: number, V: number, rank: number, rows: number, rowOf: number): number;
  distinctSampleIds(ids: number, B: number, T: number, V: number, seen: number, slot: number, rows: number, samples: number, rowOf: number): number;
  groupByRow(ids: number, N: number, R: number, start: number, order: number): void;
  scatterGrouped(dTable: number, dOut: number, start: number, order: number, r0: number, r1: number, E: number, overwrite: number): void;
  scratchFloats(): number;
  gemmP(M: number, N: number, K: number, a: number, ars: number, acs: number, bp: number, Kp: number, c: number, ldc: number): void;
  fillRows(dst: number, src: number, rows: number, width: number, ldd: number): void;
  colSum(dst: number, src: number, rows: number, width: number, lds: number): void;
  transpose(dst: number, src: number, R: number, C: number): void;
  toTimeMajor(dst: number, src: number, B: number, T: number, F: number, reverse: number, b0: number, b1: number): void;
  fromTimeMajor(dst: number, src: number, B: number, T: number, F: number, reverse: number, b0: number, b1: number): void;
  addInto(dst: number, src: number, n: number): void;
  equalBytes(a: number, b: number, n: number): number;
  zeroBytes(p: number, n: number): void;
  maskSteps(x: number, mask: number, T: number, B: number, D: number): void;
  maskRowsBy(x: number, mask: number, idx: number, N: number, D: number): void;
  activationForward(code: number, x: number, y: number, n: number): void;
  activationBackward(code: number, y: number, dy: number, dx: number, n: number): void;
  adam(p: number, g: number, m: number, v: number, n: number, alpha: number, b1: number, b2: number, eps: number, decay: number): void;
  [name: string]: unknown;
}

/** Names of exports that may be dispatched to worker threads. */
export const TASK_FUNCTIONS = [
  'gemm',
  'gemmP',
  'gemmPBias',
  'packB',
  'toTimeMajor',
  'fromTimeMajor',
  'embeddingGather',
  'scatterGrouped',
  'simpleRnnForward',
  'simpleRnnBackward',
  'lstmForward',
  'lstmBackward',
  'gruForward',
  'gruBackward',
  'adam',
] as const;
export type TaskFunction = (typeof TASK_FUNCTIONS)[number];
export interface Task {
  fn: TaskFunction;
  args: number[];
}

function decodeBase64(b64: string): Uint8Array {
  const B = (globalThis as { Buffer?: { from(s: string, enc: string): Uint8Array } }).Buffer;
  if (B) return new Uint8Array(B.from(b64, 'base64'));
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// A minimal module using one v128 instruction: validates only where SIMD is supported.
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

/** True when WebAssembly with 128-bit SIMD is available. */
export function wasmSimdSupported(): boolean {
  try {
    const wa = wasmApi();
    return !!wa && wa.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

let sharedOk: boolean | null = null;

/**
 * True when a shared WebAssembly.Memory can be created (Node; browsers only when cross-origin
 * isolated). A shared memory's buffer is never detached when it grows, so arrays viewing it
 * stay valid: that is what lets parameters live inside it (WasmRuntime.persistentFloats).
 */
export function sharedMemorySupported(): boolean {
  if (sharedOk === null) {
    try {
      const wa = wasmApi();
      sharedOk = typeof SharedArrayBuffer === 'function' && !!wa && new wa.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
    } catch {
      sharedOk = false;
    }
  }
  return sharedOk;
}

/** True when shared memory + worker_threads can be used (Node with SharedArrayBuffer). */
export function threadsSupported(): boolean {
  const p = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  return typeof SharedArrayBuffer === 'function' && typeof Atomics === 'object' && typeof p?.getBuiltinModule === 'function';
}

type Variant = 'plain' | 'shared' | 'plainRelaxed' | 'sharedRelaxed';
const BASE64: Record<Variant, string> = {
  plain: WASM_PLAIN_BASE64,
  shared: WASM_SHARED_BASE64,
  plainRelaxed: WASM_PLAIN_RELAXED_BASE64,
  sharedRelaxed: WASM_SHARED_RELAXED_BASE64,
};
const modules: Partial<Record<Variant, WasmModule>> = {};
let relaxedOk: boolean | null = null;

/**
 * Node 20 implements relaxed SIMD behind a V8 flag (Node ≥ 22 ships it on).
 * The flag only enables that standard instruction set — the FMA micro-kernels
 * make the GEMMs ~1.3x faster — so we turn it on before the first compile.
 * RECURRENT_RELAXED_SIMD=0 opts out.
 */
function enableRelaxedSimdFlag(): void {
  const p = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  if (!p?.getBuiltinModule || p.env?.RECURRENT_RELAXED_SIMD === '0') return;
  try {
    const v8 = p.getBuiltinModule('node:v8') as { setFlagsFromString(flags: string): void } | undefined;
    v8?.setFlagsFromString('--experimental-wasm-relaxed-simd');
  } catch {
    // not Node, or the flag is unknown: stay on the plain-SIMD build
  }
}

/** True when relaxed SIMD (f32x4.relaxed_madd → FMA) validates here (Node ≥ 20 via the flag above, current browsers). */
export function relaxedSimdSupported(): boolean {
  if (relaxedOk === null) {
    const wa = wasmApi();
    const probe = (): boolean => {
      try {
        return !!wa && wa.validate(decodeBase64(WASM_PLAIN_RELAXED_BASE64));
      } catch {
        return false;
      }
    };
    relaxedOk = probe();
    if (!relaxedOk && (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.RECURRENT_RELAXED_SIMD !== '0') {
      enableRelaxedSimdFlag();
      relaxedOk = probe();
    }
  }
  return relaxedOk;
}

function variantOf(shared: boolean, relaxed: boolean): Variant {
  return shared ? (relaxed ? 'sharedRelaxed' : 'shared') : relaxed ? 'plainRelaxed' : 'plain';
}

/**
 * Compiles the wasm modules asynchronously ahead of time. Optional in Node; in a browser
 * call it (await) before the first createWasmKernels() so no large synchronous compile
 * happens on the main thread.
 */
export async function precompileWasm(): Promise<void> {
  const wa = wasmApi() as (WasmApi & { compile?: (bytes: Uint8Array) => Promise<WasmModule> }) | null;
  if (!wa || !wa.compile || !wasmSimdSupported()) return;
  const relaxed = relaxedSimdSupported();
  for (const shared of threadsSupported() ? [false, true] : [false]) {
    const v = variantOf(shared, relaxed);
    modules[v] ??= await wa.compile(decodeBase64(BASE64[v]));
  }
}

function getModule(wa: WasmApi, shared: boolean, relaxed: boolean): WasmModule {
  const v = variantOf(shared, relaxed);
  return (modules[v] ??= new wa.Module(decodeBase64(BASE64[v])));
}

const ALIGN = 64;
/**
 * Persistent blocks start with this many unused bytes, so no array handed out starts where an arena
 * block starts: release() of a resident array's offset (glue that releases whatever it allocated or
 * referenced) is then a no-op instead of freeing the block.
 */
const PERSISTENT_GUARD = ALIGN;
/** Minimum work (multiply-adds or elements moved) before a call is split across threads. */
const PARALLEL_MIN_WORK = 1 << 20;

/** The first index r with a[r] ≥ x in the ascending array a (a.length when none). */
function firstAtLeast(a: Int32Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
const PAGE = 65536;

export class WasmRuntime {
  readonly memory: WasmMemory;
  readonly exports: WasmExports;
  readonly threads: number;
  private readonly pool: WorkerPool | null;
  private top: number;
  private readonly base: number;
  private readonly live = new Map<number, number>(); // offset -> size
  private free: { off: number; size: number }[] = []; // sorted by off
  /**
   * Buffer objects of this memory seen so far. A shared memory hands out a new one after each grow,
   * and V8 may also replace it once the memory is shared with a worker, so identity is recorded
   * wherever arrays are made (persistentFloats) and checked against the current one (residentOffset).
   */
  private readonly buffers = new Set<ArrayBufferLike>();
  /** Releases a persistent block once all of its owners are collected (held value: the block's count). */
  private readonly persistentRegistry = new FinalizationRegistry<{ off: number; owners: number }>((b) => {
    if (--b.owners === 0) this.release(b.off);
  });

  /** True when the GEMM kernels use fused multiply-add (relaxed SIMD). */
  readonly fma: boolean;
  /** True when the memory is shared (its buffer survives growth): persistentFloats is available. */
  readonly shared: boolean;

  constructor(threads: number, relaxedSimd?: boolean) {
    const wa = wasmApi();
    if (!wa || !wasmSimdSupported()) throw new Error('backend "wasm" needs WebAssembly with 128-bit SIMD, which this runtime does not support');
    const useThreads = threads > 1 && threadsSupported();
    this.threads = useThreads ? Math.floor(threads) : 1;
    // shared whenever possible, threads or not: only a shared memory can hold parameters in place
    this.shared = useThreads || sharedMemorySupported();
    this.memory = new wa.Memory({ initial: 64, maximum: WASM_MAX_PAGES, ...(this.shared ? { shared: true } : {}) });
    this.buffers.add(this.memory.buffer);
    if (relaxedSimd && !relaxedSimdSupported()) throw new Error('wasm backend: relaxed SIMD was requested but is not supported here');
    this.fma = relaxedSimd ?? relaxedSimdSupported();
    const module = getModule(wa, this.shared, this.fma);
    const instance = new wa.Instance(module, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as WasmExports;
    this.base = this.top = Math.max(1024, Math.ceil(this.exports.heapBase() / ALIGN) * ALIGN);
    // per-thread scratch for GEMM A-block packing
    const scratchBytes = this.exports.scratchFloats() * 4;
    this.exports.setScratch(this.alloc(scratchBytes));
    const workerScratch = Array.from({ length: this.threads - 1 }, () => this.alloc(scratchBytes));
    this.pool = useThreads ? new WorkerPool(module, this.memory, workerScratch, [...TASK_FUNCTIONS]) : null;
  }

  /** Allocates `bytes` (rounded to 64) in the arena; contents are unspecified. */
  alloc(bytes: number): number {
    const size = Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const blk = this.free[i];
      if (blk.size >= size) {
        const off = blk.off;
        if (blk.size === size) this.free.splice(i, 1);
        else {
          blk.off += size;
          blk.size -= size;
        }
        this.live.set(off, size);
        return off;
      }
    }
    const off = this.top;
    const end = off + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const need = Math.ceil((end - have) / PAGE);
      const grow = Math.max(need, Math.ceil(have / PAGE / 4)); // grow by >= 25% to limit grow calls
      const pages = Math.min(grow, WASM_MAX_PAGES - have / PAGE);
      if (pages < need) throw new Error(`wasm backend: out of memory (need ${end} bytes, max ${WASM_MAX_PAGES * PAGE})`);
      this.memory.grow(pages);
      this.buffers.add(this.memory.buffer);
    }
    this.top = end;
    this.live.set(off, size);
    return off;
  }

  /** Allocates and zero-fills n floats. */
  zeros(n: number): number {
    const off = this.alloc(n * 4);
    this.exports.zeroBytes(off, n * 4); // not TypedArray.fill: ~10x slower on a shared buffer
    return off;
  }

  /** Allocates and copies a Float32Array in. */
  put(a: Float32Array): number {
    const off = this.alloc(a.length * 4);
    this.f32(off, a.length).set(a);
    return off;
  }

  /** Copies int32s (token ids, row numbers) into the arena; release the result after use. */
  putInts(a: Int32Array): number {
    const off = this.alloc(a.length * 4);
    new Int32Array(this.memory.buffer, off, a.length).set(a);
    return off;
  }

  release(off: number): void {
    const size = this.live.get(off);
    if (size === undefined) return;
    this.live.delete(off);
    // insert sorted, coalesce
    const free = this.free;
    let lo = 0;
    let hi = free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (free[mid].off < off) lo = mid + 1;
      else hi = mid;
    }
    free.splice(lo, 0, { off, size });
    if (lo + 1 < free.length && free[lo].off + free[lo].size === free[lo + 1].off) {
      free[lo].size += free[lo + 1].size;
      free.splice(lo + 1, 1);
    }
    if (lo > 0 && free[lo - 1].off + free[lo - 1].size === free[lo].off) {
      free[lo - 1].size += free[lo].size;
      free.splice(lo, 1);
      lo--;
    }
    const last = free[free.length - 1];
    if (last && last.off + last.size === this.top) {
      this.top = last.off;
      free.pop();
    }
  }

  /**
   * Zero-filled floats inside the memory that stay valid until every owner is garbage-collected
   * (null when the memory is not shared: growth would detach the array). Kernels read and write
   * them in place: see residentOffset.
   */
  persistentFloats(n: number, owners: readonly object[]): Float32Array | null {
    if (!this.shared || owners.length === 0) return null;
    const off = this.alloc(PERSISTENT_GUARD + n * 4);
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    const array = new Float32Array(buffer, off + PERSISTENT_GUARD, n);
    this.exports.zeroBytes(off + PERSISTENT_GUARD, n * 4);
    const block = { off, owners: owners.length };
    for (const o of owners) this.persistentRegistry.register(o, block);
    return array;
  }

  /** The byte offset of an array that lives in this memory (persistentFloats or a view of it), else -1. */
  residentOffset(a: Float32Array): number {
    if (this.buffers.has(a.buffer)) return a.byteOffset;
    if (a.buffer !== this.memory.buffer) return -1;
    this.buffers.add(a.buffer);
    return a.byteOffset;
  }

  /** Zero-fills a resident array in wasm (see zeros); false, doing nothing, when `a` is not resident. */
  zeroFill(a: Float32Array): boolean {
    const off = this.residentOffset(a);
    if (off < 0) return false;
    this.exports.zeroBytes(off, a.length * 4);
    return true;
  }

  /** The offset of `a` in the memory: in place when resident, else a fresh copy (release it after use; releasing a resident offset is a no-op). */
  input(a: Float32Array): number {
    const off = this.residentOffset(a);
    return off >= 0 ? off : this.put(a);
  }

  releaseAll(offs: number[]): void {
    for (const o of offs) if (o) this.release(o);
  }

  /** A Float32Array view (invalidated by memory growth: do not keep it across allocations). */
  f32(off: number, n: number): Float32Array {
    return new Float32Array(this.memory.buffer, off, n);
  }

  /** A fresh copy of n floats at off. */
  copyOut(off: number, n: number): Float32Array {
    // new + set: TypedArray.prototype.slice on a wasm-memory view takes a much slower path in V8
    const out = new Float32Array(n);
    out.set(this.f32(off, n));
    return out;
  }

  /** Bytes in use / reserved, for tests and benchmarks. */
  stats(): { liveBytes: number; arenaBytes: number; memoryBytes: number } {
    let liveBytes = 0;
    for (const s of this.live.values()) liveBytes += s;
    return { liveBytes, arenaBytes: this.top - this.base, memoryBytes: this.memory.buffer.byteLength };
  }

  /** Runs tasks, task 0 on this thread, the others on workers; returns when all are done. */
  run(tasks: Task[]): void {
    if (tasks.length === 0) return;
    if (!this.pool || tasks.length === 1) {
      for (const t of tasks) (this.exports[t.fn] as (...a: number[]) => void)(...t.args);
      return;
    }
    this.pool.run(tasks, (t) => (this.exports[t.fn] as (...a: number[]) => void)(...t.args));
  }

  /** Gets the worker threads spinning ahead of a burst of parallel work (see WorkerPool.wake). */
  wake(): void {
    this.pool?.wake();
  }

  /** Number of parallel slices to use for `rows` independent rows. */
  slices(rows: number): number {
    return Math.max(1, Math.min(this.threads, rows));
  }

  /** Splits [0, n) into at most `threads` ranges aligned to `align`, when `work` is large enough to pay for a dispatch. */
  ranges(n: number, work: number, align = 1): [number, number][] {
    const k = work < PARALLEL_MIN_WORK ? 1 : this.slices(Math.ceil(n / align));
    if (k <= 1) return [[0, n]];
    const chunk = Math.ceil(n / k / align) * align;
    const out: [number, number][] = [];
    for (let i0 = 0; i0 < n; i0 += chunk) out.push([i0, Math.min(n, i0 + chunk)]);
    return out;
  }

  /** Packs B [K,N] (B(k,j) at b + 4(k·brs + j·bcs)) for gemmPacked; release the result after use. */
  pack(b: number, K: number, N: number, brs: number, bcs: number): number {
    const bp = this.alloc(this.exports.packedSize(K, N) * 4);
    this.run(
      this.ranges(N, K * N * 4, 8).map(([j0, j1]) => ({
        fn: 'packB' as const,
        args: [bp + j0 * K * 4, b + j0 * bcs * 4, K, j1 - j0, brs, bcs],
      })),
    );
    return bp;
  }

  /**
   * C[M,N] (+)= A·B with B packed over Kp rows; rows of C are split across threads.
   * With `init`, C is first set to the broadcast bias row (zeros when bias is 0).
   */
  gemmPacked(M: number, N: number, K: number, a: number, ars: number, acs: number, bp: number, Kp: number, c: number, ldc: number, init?: { bias: number }): void {
    if (M <= 0 || N <= 0) return;
    this.run(
      this.ranges(M, M * N * K, 4).map(([i0, i1]) =>
        init
          ? { fn: 'gemmPBias' as const, args: [i1 - i0, N, K, a + i0 * ars * 4, ars, acs, bp, Kp, c + i0 * ldc * 4, ldc, init.bias] }
          : { fn: 'gemmP' as const, args: [i1 - i0, N, K, a + i0 * ars * 4, ars, acs, bp, Kp, c + i0 * ldc * 4, ldc] },
      ),
    );
  }

  /**
   * C[M,N] (+)= A·B: A(i,k) at a + 4(i·ars + k·acs), B(k,j) at b + 4(k·brs + j·bcs), C row-major with
   * row stride ldc. Packs B, then splits the rows of C across threads (see gemmPacked for init).
   */
  gemm(M: number, N: number, K: number, a: number, ars: number, acs: number, b: number, brs: number, bcs: number, c: number, ldc: number, init?: { bias: number }): void {
    if (M <= 0 || N <= 0) return;
    const bp = this.pack(b, K, N, brs, bcs);
    this.gemmPacked(M, N, K, a, ars, acs, bp, K, c, ldc, init);
    this.release(bp);
  }

  /** out[n, :] = table[ids[n], :] ([N, E] rows), split over rows. */
  gather(out: number, table: number, ids: number, N: number, E: number): void {
    this.run(this.ranges(N, N * E).map(([n0, n1]) => ({ fn: 'embeddingGather' as const, args: [out + n0 * E * 4, table, ids + n0 * 4, n1 - n0, E] })));
  }

  /**
   * dTable[ids[n], :] += dOut[n, :] ([N, E] rows, ids in [0, rows)); with `overwrite` the rows are set to the
   * sums instead (no zero fill first). With threads, the positions are grouped by row first (a counting sort on
   * this thread, O(N + rows)) and the rows split across threads, balanced by their numbers of positions: split by
   * columns instead it measured 2.5x slower, as each core then reads rows the other one wrote. Each row adds
   * its contributions in position order either way, so the result does not depend on the thread count.
   */
  scatter(dTable: number, ids: number, dOut: number, N: number, E: number, rows: number, overwrite = false): void {
    if (this.threads <= 1 || N * E < PARALLEL_MIN_WORK) {
      if (overwrite) this.exports.zeroBytes(dTable, rows * E * 4);
      this.exports.embeddingScatter(dTable, ids, dOut, N, E);
      return;
    }
    const start = this.alloc((rows + 1) * 4); // [rows + 1] i32: row r's positions are order[start[r] .. start[r + 1])
    const order = this.alloc(N * 4); // [N] i32
    try {
      this.exports.groupByRow(ids, N, rows, start, order);
      const starts = new Int32Array(this.memory.buffer, start, rows + 1);
      const tasks: Task[] = [];
      for (let i = 1, r0 = 0; i <= this.threads; i++) {
        const r1 = i === this.threads ? rows : firstAtLeast(starts, Math.round((N * i) / this.threads));
        if (r1 > r0) tasks.push({ fn: 'scatterGrouped', args: [dTable, dOut, start, order, r0, r1, E, overwrite ? 1 : 0] });
        r0 = Math.max(r0, r1);
      }
      this.run(tasks);
    } finally {
      this.releaseAll([start, order]);
    }
  }

  /** [B,T,F] → [T,B,F] (reversing time when asked), split over batch rows. */
  toTimeMajor(dst: number, src: number, B: number, T: number, F: number, reverse: boolean): void {
    this.run(this.ranges(B, B * T * F).map(([b0, b1]) => ({ fn: 'toTimeMajor' as const, args: [dst, src, B, T, F, reverse ? 1 : 0, b0, b1] })));
  }

  /** [T,B,F] → [B,T,F], split over batch rows. */
  fromTimeMajor(dst: number, src: number, B: number, T: number, F: number, reverse: boolean): void {
    this.run(this.ranges(B, B * T * F).map(([b0, b1]) => ({ fn: 'fromTimeMajor' as const, args: [dst, src, B, T, F, reverse ? 1 : 0, b0, b1] })));
  }

  dispose(): void {
    this.pool?.dispose();
  }
}
