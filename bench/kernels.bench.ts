/**
 * Kernel-level benchmark: wasm (1 and 2 threads) vs reference.
 *
 *   npm run bench:kernels            (all)
 *   node build/bench/kernels.bench.js --quick     (fewer runs, no heavy reference)
 *   node build/bench/kernels.bench.js --only=gemm|seed|heavy
 *
 * Reports GEMM GFLOP/s and per-batch time of the training step (forward +
 * backward + Adam) and of predict, at kernel level, for the "seed" workload
 * Embedding(5000,32) → RNN(32) → Dense(1, sigmoid), B=32, T=400, and the
 * "heavy" one Embedding(20000,128) → LSTM(256) → Dense(1), B=64, T=100.
 * Medians of several runs after warm-up; peak RSS at the end.
 */
import { referenceKernels } from '../src/kernels/reference/index.js';
import { createWasmKernels, type WasmKernels } from '../src/kernels/wasm/index.js';
import type { Kernels, RnnForwardArgs } from '../src/kernels/kernels.js';
import { Random } from '../src/random.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const only = argv.find((a) => a.startsWith('--only='))?.slice(7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function time(fn: () => void, runs: number, warmup = 1): { median: number; min: number; cpu: number; runs: number[] } {
  for (let i = 0; i < warmup; i++) fn();
  const ts: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { median: median(ts), min: Math.min(...ts), cpu: median(cpu), runs: ts };
}

function rand(rng: Random, n: number, scale = 0.1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-scale, scale);
  return a;
}

const fmt = (x: number, d = 1): string => x.toFixed(d);

// ---------------------------------------------------------------------------
function benchGemm(K1: WasmKernels, K2: WasmKernels): void {
  console.log('\n## GEMM (C += A·B, f32, row-major; B pre-packed as in the recurrences; "incl. pack" packs B on every call)');
  console.log('| shape M×K×N | variant | 1 thread GFLOP/s | 1 thread, per CPU-second | 2 threads GFLOP/s | 1 thread incl. pack |');
  console.log('|---|---|---|---|---|---|');
  const shapes: [number, number, number][] = [
    [32, 64, 128],
    [32, 32, 128],
    [64, 256, 1024],
    [12800, 32, 128],
    [32, 12800, 128],
    [512, 512, 512],
    [1024, 1024, 1024],
  ];
  for (const [M, K, N] of shapes) {
    for (const trans of [false, true]) {
      const res: string[] = [];
      for (const [Kx, withPack] of [[K1, false], [K2, false], [K1, true]] as const) {
        const rt = Kx.runtime;
        const rng = new Random(1);
        const pa = rt.put(rand(rng, M * K));
        const pb = rt.put(rand(rng, K * N));
        const pc = rt.zeros(M * N);
        const bp = rt.pack(pb, K, N, N, 1);
        const flops = 2 * M * N * K;
        const reps = Math.max(1, Math.round(2e8 / flops));
        const [ars, acs] = trans ? [1, M] : [K, 1];
        const r = time(() => {
          for (let i = 0; i < reps; i++) {
            if (withPack) rt.gemm(M, N, K, pa, ars, acs, pb, N, 1, pc, N);
            else rt.gemmPacked(M, N, K, pa, ars, acs, bp, K, pc, N);
          }
        }, quick ? 3 : 7);
        res.push(fmt((flops * reps) / (r.median * 1e6), 1));
        if (Kx === K1 && !withPack) res.push(fmt((flops * reps) / (r.cpu * 1e6), 1));
        rt.releaseAll([pa, pb, pc, bp]);
      }
      console.log(`| ${M}×${K}×${N} | ${trans ? 'Aᵀ·B (weight grad)' : 'A·B'} | ${res.join(' | ')} |`);
    }
  }
}

// ---------------------------------------------------------------------------
type Kind = 'simpleRNN' | 'lstm' | 'gru';

interface Workload {
  name: string;
  kind: Kind;
  V: number;
  E: number;
  H: number;
  B: number;
  T: number;
}

interface Params {
  table: Float32Array;
  tableGrad: Float32Array;
  kernel: Float32Array;
  recurrentKernel: Float32Array;
  bias: Float32Array;
  dKernel: Float32Array;
  dBias: Float32Array;
  /** Gradient buffers of kernel … dBias (the table's is tableGrad), filled from the kernels' results as a model accumulates them. */
  grads: Float32Array[];
  opt: { m: Float32Array; v: Float32Array }[];
}

/**
 * Parameters, gradients and Adam moments in the backend's persistent storage where it has one (the
 * wasm memory), as a model keeps them (ParameterStore, Optimizer slots); plain arrays otherwise.
 */
function setup(w: Workload, K: Kernels): { ids: Int32Array; p: Params; labels: Float32Array; projected: Float32Array } {
  const rng = new Random(42);
  const owner = {};
  const persistent = (a: Float32Array): Float32Array => {
    const r = K.persistentFloats?.(a.length, [owner]);
    if (!r) return a;
    r.set(a);
    return r;
  };
  const G = w.kind === 'lstm' ? 4 : w.kind === 'gru' ? 3 : 1;
  const ids = Int32Array.from({ length: w.B * w.T }, () => Math.floor(rng.next() * w.V));
  const biasLen = w.kind === 'gru' ? 2 * G * w.H : G * w.H;
  const p: Params = {
    table: persistent(rand(rng, w.V * w.E, 0.05)),
    tableGrad: persistent(new Float32Array(w.V * w.E)),
    kernel: persistent(rand(rng, w.E * G * w.H, 0.1)),
    recurrentKernel: persistent(rand(rng, w.H * G * w.H, 0.1)),
    bias: persistent(rand(rng, biasLen, 0.1)),
    dKernel: persistent(rand(rng, w.H, 0.1)),
    dBias: persistent(rand(rng, 1, 0.1)),
    grads: [],
    opt: [],
  };
  for (const a of [p.kernel, p.recurrentKernel, p.bias, p.dKernel, p.dBias]) p.grads.push(persistent(new Float32Array(a.length)));
  for (const a of [p.table, p.kernel, p.recurrentKernel, p.bias, p.dKernel, p.dBias]) {
    p.opt.push({ m: persistent(new Float32Array(a.length)), v: persistent(new Float32Array(a.length)) });
  }
  // (owner lives as long as p: the arrays are what the benchmark keeps)
  (p as Params & { owner?: object }).owner = owner;
  const labels = Float32Array.from({ length: w.B }, (_, i) => i % 2);
  // the projected table for predict: table·kernel + input bias ([V, G·H])
  const width = G * w.H;
  const projected = referenceKernels.denseForward({ x: p.table, kernel: p.kernel, bias: p.bias.subarray(0, width), N: w.V, D: w.E, U: width });
  return { ids, p, labels, projected };
}

const rnnF = (K: Kernels, kind: Kind, a: RnnForwardArgs) => (kind === 'lstm' ? K.lstmForward(a) : kind === 'gru' ? K.gruForward(a) : K.simpleRnnForward(a));
const rnnB = (K: Kernels, kind: Kind, a: Parameters<Kernels['lstmBackward']>[0]) =>
  kind === 'lstm' ? K.lstmBackward(a) : kind === 'gru' ? K.gruBackward(a) : K.simpleRnnBackward(a);

interface StepTimes {
  [part: string]: number;
}

/** One training step at kernel level; returns per-part times (ms). */
function trainStep(K: Kernels, w: Workload, s: ReturnType<typeof setup>, step: number): StepTimes {
  const { B, T, E, H, V, kind } = w;
  const { ids, p, labels } = s;
  const t: StepTimes = {};
  let t0 = performance.now();
  const lap = (name: string): void => {
    const t1 = performance.now();
    t[name] = (t[name] ?? 0) + t1 - t0;
    t0 = t1;
  };
  // as a Sequential runs Embedding → RNN: one kernel call on the token ids (embeddedInput),
  // the table gradient added into the gradient buffer (tableGrad)
  const args: RnnForwardArgs = {
    x: new Float32Array(0), kernel: p.kernel, recurrentKernel: p.recurrentKernel, bias: p.bias, h0: null, c0: null, recurrentMask: null,
    B, T, D: E, H, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true, training: true,
    embeddedInput: { table: p.table, ids, V }, returnSequences: false,
  };
  const r = rnnF(K, kind, args);
  lap('rnn fwd');
  const z = K.denseForward({ x: r.hLast, kernel: p.dKernel, bias: p.dBias, N: B, D: H, U: 1 });
  const y = K.activationForward('sigmoid', z, 1);
  // BCE with sigmoid: dL/dz = (y − label) / B
  const dz = new Float32Array(B);
  for (let b = 0; b < B; b++) dz[b] = (y[b] - labels[b]) / B;
  const dd = K.denseBackward({ x: r.hLast, kernel: p.dKernel, dy: dz, N: B, D: H, U: 1, hasBias: true });
  lap('dense');
  const dTable = p.tableGrad.fill(0);
  const g = rnnB(K, kind, { cache: r.cache!, dOutput: null, dhLast: dd.dx, dcLast: null, tableGrad: dTable });
  lap('rnn bwd');
  // as a model accumulates the layers' gradients into its gradient buffer
  [g.dKernel, g.dRecurrentKernel, g.dBias!, dd.dKernel, dd.dBias!].forEach((d, i) => p.grads[i].set(d));
  const grads = [dTable, ...p.grads];
  const params = [p.table, p.kernel, p.recurrentKernel, p.bias, p.dKernel, p.dBias];
  for (let i = 0; i < params.length; i++) {
    K.adamUpdate({ param: params[i], grad: grads[i], m: p.opt[i].m, v: p.opt[i].v, learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step, weightDecay: 0 });
  }
  lap('adam');
  return t;
}

function predictStep(K: Kernels, w: Workload, s: ReturnType<typeof setup>): void {
  const { B, T, E, H, kind } = w;
  // as a Sequential predicts through Embedding → RNN: rows of the embedding table projected once
  // through the input kernel (cached across batches while the weights do not change), gathered
  const r = rnnF(K, kind, {
    x: new Float32Array(0), kernel: s.p.kernel, recurrentKernel: s.p.recurrentKernel, bias: s.p.bias, h0: null, c0: null, recurrentMask: null,
    B, T, D: E, H, goBackwards: false, activation: 'tanh', recurrentActivation: 'sigmoid', resetAfter: true, training: false,
    inputProjection: { table: s.projected, ids: s.ids }, returnSequences: false,
  });
  K.activationForward('sigmoid', K.denseForward({ x: r.hLast, kernel: s.p.dKernel, bias: s.p.dBias, N: B, D: H, U: 1 }), 1);
}

function benchWorkload(w: Workload, backends: [string, Kernels, number][]): void {
  console.log(`\n## ${w.name}: Embedding(${w.V},${w.E}) → ${w.kind}(${w.H}) → Dense(1), B=${w.B}, T=${w.T}`);
  console.log('| backend | train ms/batch (median) | min | CPU ms/batch (all threads) | embedding + rnn fwd | rnn + embedding bwd | dense | adam | predict ms/batch | predict min |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [label, K, runs] of backends) {
    const s = setup(w, K);
    let step = 1;
    const parts: StepTimes[] = [];
    const r = time(() => parts.push(trainStep(K, w, s, step++)), runs, runs > 2 ? 2 : 1);
    const keep = parts.slice(parts.length - runs);
    const med = (k: string): string => fmt(median(keep.map((x) => x[k] ?? 0)), 2);
    const pr = time(() => predictStep(K, w, s), runs, runs > 2 ? 2 : 1);
    console.log(
      `| ${label} | ${fmt(r.median, 2)} | ${fmt(r.min, 2)} | ${fmt(r.cpu, 1)} | ${med('rnn fwd')} | ${med('rnn bwd')} | ${med('dense')} | ${med('adam')} | ${fmt(pr.median, 2)} | ${fmt(pr.min, 2)} |`,
    );
  }
}

// ---------------------------------------------------------------------------
console.log(`# Kernel benchmark  (node ${process.version}, ${new Date().toISOString()})`);

/**
 * How much of two cores this run gets: time one busy process, then two at once.
 * 2.0 = two free cores; 1.0 = effectively one (the machine is shared).
 */
async function coreAvailability(): Promise<number> {
  const { spawn } = await import('node:child_process');
  const code = 'let x = 0; for (let i = 0; i < 2e8; i++) x += i % 7; if (x < 0) console.log(x);';
  const run = (n: number): Promise<number> =>
    new Promise((resolve) => {
      const t0 = performance.now();
      let left = n;
      for (let i = 0; i < n; i++) spawn(process.execPath, ['-e', code]).on('exit', () => --left === 0 && resolve(performance.now() - t0));
    });
  const t1 = await run(1);
  const t2 = await run(2);
  return (2 * t1) / t2;
}

console.log(`cores available to this run (2 busy processes vs 1): ${(await coreAvailability()).toFixed(2)} of 2`);
const K1 = createWasmKernels({ threads: 1 });
const K2 = createWasmKernels({ threads: 2 });
console.log(
  `wasm build: ${K1.runtime.fma ? 'relaxed SIMD (f32x4.relaxed_madd, FMA)' : 'plain SIMD128 (mul + add)'}` +
    (K1.runtime.fma ? '' : ' — Node 20: run with --experimental-wasm-relaxed-simd for the FMA build'),
);

if (!only || only === 'gemm') benchGemm(K1, K2);
const runs = quick ? 5 : 15;
// With the FMA build active, also time the plain build in the same process for a fair comparison.
const K1plain = K1.runtime.fma ? createWasmKernels({ threads: 1, relaxedSimd: false }) : null;
const fmaTag = K1.runtime.fma ? ' (FMA)' : '';
if (!only || only === 'seed') {
  for (const kind of ['lstm', 'gru', 'simpleRNN'] as Kind[]) {
    const backends: [string, Kernels, number][] = [
      ['reference', referenceKernels, quick ? 1 : 3],
      [`wasm 1 thread${fmaTag}`, K1, runs],
      [`wasm 2 threads${fmaTag}`, K2, runs],
    ];
    if (K1plain) backends.push(['wasm 1 thread (plain SIMD)', K1plain, runs]);
    benchWorkload({ name: `seed ${kind}`, kind, V: 5000, E: 32, H: 32, B: 32, T: 400 }, backends);
  }
}
if (!only || only === 'heavy') {
  const backends: [string, Kernels, number][] = [
    [`wasm 1 thread${fmaTag}`, K1, quick ? 3 : 7],
    [`wasm 2 threads${fmaTag}`, K2, quick ? 3 : 7],
  ];
  if (K1plain) backends.push(['wasm 1 thread (plain SIMD)', K1plain, quick ? 3 : 7]);
  if (!quick) backends.unshift(['reference', referenceKernels, 1]);
  benchWorkload({ name: 'heavy lstm', kind: 'lstm', V: 20000, E: 128, H: 256, B: 64, T: 100 }, backends);
}
const ru = process.resourceUsage();
console.log(`\npeak RSS: ${fmt(ru.maxRSS / 1024, 0)} MB; wasm memory: 1 thread ${fmt(K1.runtime.stats().memoryBytes / 2 ** 20, 0)} MB, 2 threads ${fmt(K2.runtime.stats().memoryBytes / 2 ** 20, 0)} MB`);
K1.dispose();
K2.dispose();
K1plain?.dispose();
console.log(`cores available at the end: ${(await coreAvailability()).toFixed(2)} of 2`);
