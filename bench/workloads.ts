/**
 * Workload definitions shared by the model-level comparison (bench/compare.ts)
 * and its per-library child processes. bench/torch_bench.py mirrors these.
 */

export type Cell = 'lstm' | 'gru' | 'simpleRNN';
export type Phase = 'train' | 'predict';

export interface Workload {
  /** Id used for BENCH_ONLY filtering and in JSON results, e.g. "seed-lstm-train". */
  id: string;
  group: 'seed' | 'heavy';
  cell: Cell;
  phase: Phase;
  vocab: number;
  embed: number;
  units: number;
  batch: number;
  seqLen: number;
}

function w(group: 'seed' | 'heavy', cell: Cell, phase: Phase, vocab: number, embed: number, units: number, batch: number, seqLen: number): Workload {
  return { id: `${group}-${cell.toLowerCase()}-${phase}`, group, cell, phase, vocab, embed, units, batch, seqLen };
}

export const WORKLOADS: Workload[] = [
  w('seed', 'lstm', 'train', 5000, 32, 32, 32, 400),
  w('seed', 'lstm', 'predict', 5000, 32, 32, 32, 400),
  w('seed', 'gru', 'train', 5000, 32, 32, 32, 400),
  w('seed', 'simpleRNN', 'train', 5000, 32, 32, 32, 400),
  w('heavy', 'lstm', 'train', 20000, 128, 256, 64, 100),
];

export function workloadLabel(wl: Workload): string {
  const cell = wl.cell === 'lstm' ? 'LSTM' : wl.cell === 'gru' ? 'GRU' : 'SimpleRNN';
  return `${wl.group} ${cell}(${wl.units}) ${wl.phase}`;
}

/** Timing plan for one (library, workload) child. */
export interface Plan {
  warmup: number;
  runs: number;
}

/** What every child process prints (one JSON line prefixed with RESULT_PREFIX). */
export interface ChildResult {
  library: string;
  workload: string;
  ok: boolean;
  error?: string;
  skipped?: string;
  /** Per-batch wall times of the timed runs, ms. */
  times?: number[];
  medianMs?: number;
  warmup?: number;
  /** Peak resident set size of the child process, MB. */
  peakRssMb?: number;
  note?: string;
  info?: Record<string, string | number | boolean>;
  /** A cell merged from several child processes (compare.ts rounds): each one's median, in round order. */
  roundMedians?: number[];
}

export const RESULT_PREFIX = '@@BENCH_RESULT ';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Small deterministic PRNG (mulberry32) for token ids and labels. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random token ids in [1, vocab) (0 is left as padding) and 0/1 labels. */
export function makeBatch(wl: Workload, seed = 1234): { ids: Int32Array; labels: Float32Array } {
  const r = rng(seed);
  const ids = new Int32Array(wl.batch * wl.seqLen);
  for (let i = 0; i < ids.length; i++) ids[i] = 1 + Math.floor(r() * (wl.vocab - 1));
  const labels = new Float32Array(wl.batch);
  for (let i = 0; i < labels.length; i++) labels[i] = r() < 0.5 ? 0 : 1;
  return { ids, labels };
}

export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024; // maxRSS is in KiB
}

export function emit(r: ChildResult): void {
  process.stdout.write(RESULT_PREFIX + JSON.stringify(r) + '\n');
}

/** Parses the child argv: <library> <workloadId> <warmup> <runs>. */
export function parseChildArgs(argv: string[]): { library: string; wl: Workload; plan: Plan } {
  const [library, id, warm, runs] = argv;
  const wl = WORKLOADS.find((x) => x.id === id);
  if (!wl) throw new Error(`unknown workload "${id}"`);
  return { library, wl, plan: { warmup: Number(warm), runs: Number(runs) } };
}

/** Times fn: plan.warmup untimed calls then plan.runs timed ones (ms each). */
export async function timeRuns(plan: Plan, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < plan.warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < plan.runs; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}
