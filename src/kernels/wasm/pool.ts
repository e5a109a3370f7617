/**
 * A tiny synchronous worker pool (Node worker_threads) over a shared
 * WebAssembly.Memory. The caller stays synchronous: it posts tasks through a
 * SharedArrayBuffer control block, runs its own share, then blocks on
 * Atomics.wait until the workers are done. Workers are unref'd, so an idle
 * pool never keeps the process alive.
 */
import type { Task } from './runtime.js';
import type { WasmMemory, WasmModule } from './wasm-api.js';

const MAX_ARGS = 32;
const SLOT_I32 = 4; // state, fn, nargs, error
const IDLE = 0;
const PENDING = 1;
const DONE = 2;
const EXIT = 3;
/** Set by wake(): the worker leaves Atomics.wait and spins again, so the next task finds it running. */
const WAKE = 4;
/**
 * How long a worker spins for its next task before it sleeps in Atomics.wait. Waking a sleeping
 * thread costs 0.1–1 ms on a VM (the idle vCPU must be rescheduled), more than many of the tasks
 * themselves; tasks of one layer call follow each other within this window.
 */
const SPIN_MS = 20;
/**
 * How long the caller spins for the workers' shares of a call before it sleeps (see run); not at all when
 * there are more threads than cores, where its spinning would take a core from a worker.
 */
const WAIT_SPIN_MS = 5;

const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { module, memory, ctrl, args, index, fns, scratch } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
instance.exports.setScratch(scratch);
const state = new Int32Array(ctrl);
const argv = new Float64Array(args);
const base = index * ${SLOT_I32};
const abase = index * ${MAX_ARGS};
const table = fns.map((n) => instance.exports[n]);
for (;;) {
  let v = Atomics.load(state, base);
  // spin first (checking the clock every 256 loads): the next task usually follows within microseconds
  const until = performance.now() + ${SPIN_MS};
  for (let spin = 1; v !== ${PENDING} && v !== ${EXIT}; spin++) {
    v = Atomics.load(state, base);
    if ((spin & 255) === 0 && performance.now() > until) break;
  }
  if (v === ${EXIT}) break;
  if (v !== ${PENDING}) { Atomics.wait(state, base, v); continue; }
  try {
    const n = state[base + 2];
    const a = [];
    for (let i = 0; i < n; i++) a.push(argv[abase + i]);
    table[state[base + 1]](...a);
    state[base + 3] = 0;
  } catch (e) {
    state[base + 3] = 1;
  }
  Atomics.store(state, base, ${DONE});
  Atomics.notify(state, base);
}
`;

/** Node's builtin modules without a static `node:` import (keeps the module graph browser-safe). */
export function nodeBuiltin(name: string): unknown {
  const p = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process;
  const m = p?.getBuiltinModule?.(name);
  if (!m) throw new Error(`${name} is not available in this runtime`);
  return m;
}

interface NodeWorker {
  unref(): void;
  terminate(): Promise<number>;
}

export class WorkerPool {
  private readonly state: Int32Array;
  private readonly argv: Float64Array;
  private readonly workers: NodeWorker[] = [];
  private readonly fnIndex: Map<string, number>;
  private readonly waitSpinMs: number;

  constructor(module: WasmModule, memory: WasmMemory, scratch: number[], fns: string[]) {
    const count = scratch.length;
    const os = nodeBuiltin('node:os') as { availableParallelism(): number };
    this.waitSpinMs = count + 1 <= os.availableParallelism() ? WAIT_SPIN_MS : 0;
    const { Worker } = nodeBuiltin('node:worker_threads') as {
      Worker: new (src: string, opts: { eval: boolean; workerData: unknown }) => NodeWorker;
    };
    this.fnIndex = new Map(fns.map((n, i) => [n, i]));
    const ctrl = new SharedArrayBuffer(count * SLOT_I32 * 4);
    const args = new SharedArrayBuffer(count * MAX_ARGS * 8);
    this.state = new Int32Array(ctrl);
    this.argv = new Float64Array(args);
    for (let i = 0; i < count; i++) {
      const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl, args, index: i, fns, scratch: scratch[i] } });
      w.unref();
      this.workers.push(w);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Gets sleeping workers spinning again ahead of a burst of tasks (a layer's forward or
   * backward), so the first task does not pay the wake-up latency. Call between runs only.
   */
  wake(): void {
    for (let w = 0; w < this.workers.length; w++) {
      const base = w * SLOT_I32;
      if (Atomics.compareExchange(this.state, base, IDLE, WAKE) === IDLE) Atomics.notify(this.state, base);
    }
  }

  /** Runs tasks[0] via `local` on this thread and tasks[1..] on workers (tasks.length - 1 <= size). */
  run(tasks: Task[], local: (t: Task) => void): void {
    const n = tasks.length - 1;
    if (n > this.workers.length) throw new Error(`worker pool: ${n} remote tasks for ${this.workers.length} workers`);
    for (let w = 0; w < n; w++) {
      const t = tasks[w + 1];
      if (t.args.length > MAX_ARGS) throw new Error('worker pool: too many arguments');
      const base = w * SLOT_I32;
      this.state[base + 1] = this.fnIndex.get(t.fn)!;
      this.state[base + 2] = t.args.length;
      for (let i = 0; i < t.args.length; i++) this.argv[w * MAX_ARGS + i] = t.args[i];
      Atomics.store(this.state, base, PENDING);
      Atomics.notify(this.state, base);
    }
    let error: unknown = null;
    try {
      local(tasks[0]);
    } catch (e) {
      error = e;
    }
    let failed = false;
    // Spin for the workers' results (checking the clock every 256 loads) before sleeping: the
    // threads' shares of one call usually end within a millisecond of each other, and a sleeping
    // caller wakes ~30–110 µs after the notify on a VM (median 70 µs measured here).
    const until = performance.now() + this.waitSpinMs;
    for (let w = 0; w < n; w++) {
      const base = w * SLOT_I32;
      for (let spin = 1; ; spin++) {
        const v = Atomics.load(this.state, base);
        if (v === DONE) break;
        if ((spin & 255) === 0 && performance.now() > until) Atomics.wait(this.state, base, v, 1000);
      }
      if (this.state[base + 3] !== 0) failed = true;
      Atomics.store(this.state, base, IDLE);
    }
    if (error) throw error;
    if (failed) throw new Error('wasm backend: a worker task failed');
  }

  dispose(): void {
    for (let w = 0; w < this.workers.length; w++) {
      Atomics.store(this.state, w * SLOT_I32, EXIT);
      Atomics.notify(this.state, w * SLOT_I32);
    }
    for (const w of this.workers) void w.terminate();
    this.workers.length = 0;
  }
}
