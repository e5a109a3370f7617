/**
 * The "wasm" backend: AssemblyScript SIMD kernels (assembly/) behind the
 * Kernels interface. Whole-sequence fused RNN kernels: the input
 * projection of all steps is one GEMM, each step does only the recurrent
 * product plus fused gates, and backward does per-step gate gradients then
 * the weight/input gradients as large GEMMs. All sequence buffers are
 * time-major [T, B, F] inside the arena so each step's rows are contiguous.
 * With threads > 1 the time loops run on batch slices in parallel (rows of a
 * batch never interact inside an RNN; only the per-slice bias-gradient
 * partials are summed), and every large GEMM, packing and layout pass is
 * split by rows across the workers.
 *
 * Model parameters, their gradients and the optimizer's moments live in the
 * wasm memory when it is shared (persistentFloats), so kernels read and
 * update them in place; other inputs are copied into the wasm arena, and
 * outputs are copied out into fresh Float32Arrays. Embedding gather /
 * scatter-add and Adam run in wasm too (where the arrays are not resident,
 * copying in and out is still cheaper than JS element loops).
 *
 * This file assembles the backend; the glue lives in rnn.ts (recurrent
 * layers), dense.ts, embedding.ts, activations.ts and adam.ts, over the
 * runtime (runtime.ts: module, arena, worker pool).
 */
import type { Kernels } from '../kernels.js';
import { activationBackward, activationForward } from './activations.js';
import { adamUpdate } from './adam.js';
import { denseBackward, denseForward } from './dense.js';
import { embeddingBackward, embeddingForward } from './embedding.js';
import { createRnnGlue } from './rnn.js';
import { WasmRuntime, precompileWasm, relaxedSimdSupported, threadsSupported, wasmSimdSupported } from './runtime.js';

export { wasmSimdSupported, relaxedSimdSupported, threadsSupported, precompileWasm, WasmRuntime };

export interface WasmKernelsOptions {
  /** Worker threads (including the caller's). Default: available cores (1 where workers/SharedArrayBuffer are unavailable). */
  threads?: number;
  /**
   * Use the relaxed-SIMD build (fused multiply-add in the GEMM micro-kernels, ~1.3x faster GEMMs).
   * Default: wherever it is supported. Results then differ from the plain build in the last bits.
   */
  relaxedSimd?: boolean;
}

export interface WasmKernels extends Kernels {
  readonly threads: number;
  readonly runtime: WasmRuntime;
  /** Stops the worker threads (the kernels stay usable single-threaded afterwards only if threads was 1). */
  dispose(): void;
}

function defaultThreads(): number {
  if (!threadsSupported()) return 1;
  try {
    const os = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown } }).process?.getBuiltinModule?.('node:os') as
      | { availableParallelism?: () => number; cpus(): unknown[] }
      | undefined;
    if (!os) return 1;
    return Math.max(1, os.availableParallelism ? os.availableParallelism() : os.cpus().length);
  } catch {
    return 1;
  }
}

/** Creates a wasm Kernels instance with its own memory (and worker pool when threads > 1). */
export function createWasmKernels(options: WasmKernelsOptions = {}): WasmKernels {
  const rt = new WasmRuntime(options.threads ?? defaultThreads(), options.relaxedSimd);
  const rnn = createRnnGlue(rt);
  const kernels: WasmKernels = {
    name: 'wasm',
    threads: rt.threads,
    runtime: rt,
    dispose: () => rt.dispose(),

    denseForward: (a) => denseForward(rt, a),
    denseBackward: (a) => denseBackward(rt, a),
    embeddingForward: (ids, table, N, E) => embeddingForward(rt, ids, table, N, E),
    embeddingBackward: (ids, dOut, N, E, V) => embeddingBackward(rt, ids, dOut, N, E, V),
    activationForward: (name, x, lastDim) => activationForward(rt, name, x, lastDim),
    activationBackward: (name, x, y, dy, lastDim) => activationBackward(rt, name, x, y, dy, lastDim),

    simpleRnnForward: (a) => rnn.forward('simpleRNN', a),
    simpleRnnBackward: (a) => rnn.backward('simpleRNN', a),
    lstmForward: (a) => rnn.forward('lstm', a),
    lstmBackward: (a) => rnn.backward('lstm', a),
    gruForward: (a) => rnn.forward('gru', a),
    gruBackward: (a) => rnn.backward('gru', a),

    adamUpdate: (a) => adamUpdate(rt, a),
    persistentFloats: (n, owners) => rt.persistentFloats(n, owners),
    zeroFill: (a) => rt.zeroFill(a),
    sameBits: (a, b) => {
      if (a.length !== b.length) return false;
      const [pa, pb] = [rt.residentOffset(a), rt.residentOffset(b)];
      return pa >= 0 && pb >= 0 ? rt.exports.equalBytes(pa, pb, a.length * 4) === 1 : null;
    },
  };
  return kernels;
}

let shared: WasmKernels | null = null;

/** The process-wide default wasm kernels (default thread count), created on first use. */
export function defaultWasmKernels(): WasmKernels {
  return (shared ??= createWasmKernels());
}
