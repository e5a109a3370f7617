/**
 * The project's speed goals, checked against one benchmark run, so every run reports them the same way:
 * the faster of recurrent wasm's 1 and 2 threads against the time goals, and against TF.js wasm and the
 * faster of PyTorch's 1 and 2 threads for the ratio goals (ratios within the run, both sides measured
 * side by side).
 */

/** Median ms of a (library id, workload id) cell, undefined when it did not run or failed. */
export type CellMedian = (library: string, workload: string) => number | undefined;

export interface GoalRow {
  goal: string;
  measured: string;
  /** undefined: not measured in this run (a library or workload left out). */
  met: boolean | undefined;
}

const TIME_GOALS: [workload: string, label: string, maxMs: number][] = [
  ['seed-lstm-train', 'seed LSTM train', 20],
  ['seed-gru-train', 'seed GRU train', 20],
  ['seed-simplernn-train', 'seed SimpleRNN train', 8],
  ['seed-lstm-predict', 'seed LSTM predict', 4],
];
const RATIO_WORKLOADS: [workload: string, label: string][] = [
  ['seed-lstm-train', 'seed LSTM train'],
  ['seed-gru-train', 'seed GRU train'],
  ['seed-simplernn-train', 'seed SimpleRNN train'],
  ['seed-lstm-predict', 'seed LSTM predict'],
];
const TFJS_WASM_RATIO = 100;
const PYTORCH_RATIO = 5;
const HEAVY_MAX_MS = 300;

function fastest(med: CellMedian, libraries: string[], workload: string): number | undefined {
  const ms = libraries.map((l) => med(l, workload)).filter((m): m is number => m !== undefined);
  return ms.length ? Math.min(...ms) : undefined;
}

const ms = (x: number): string => `${x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2)} ms`;

export function goalRows(med: CellMedian): GoalRow[] {
  const ours = (wl: string): number | undefined => fastest(med, ['wasm-1t', 'wasm-2t'], wl);
  const torch = (wl: string): number | undefined => fastest(med, ['torch-1t', 'torch-2t'], wl);
  const rows: GoalRow[] = [];
  for (const [wl, label, maxMs] of TIME_GOALS) {
    const m = ours(wl);
    rows.push({ goal: `${label} ≤ ${maxMs} ms`, measured: m === undefined ? '—' : ms(m), met: m === undefined ? undefined : m <= maxMs });
  }
  const heavy = ours('heavy-lstm-train');
  const heavyTorch = torch('heavy-lstm-train');
  rows.push({
    goal: `heavy LSTM train ≤ ${HEAVY_MAX_MS} ms and faster than PyTorch`,
    measured: heavy === undefined ? '—' : `${ms(heavy)}${heavyTorch === undefined ? '' : ` vs ${ms(heavyTorch)}`}`,
    met: heavy === undefined || heavyTorch === undefined ? undefined : heavy <= HEAVY_MAX_MS && heavy < heavyTorch,
  });
  const ratio = (goal: string, other: (wl: string) => number | undefined, min: number): void => {
    for (const [wl, label] of RATIO_WORKLOADS) {
      const a = ours(wl);
      const b = other(wl);
      const r = a === undefined || b === undefined ? undefined : b / a;
      rows.push({ goal: `${label} ≥ ${min}x ${goal}`, measured: r === undefined ? '—' : `${r.toFixed(1)}x`, met: r === undefined ? undefined : r >= min });
    }
  };
  ratio('TF.js wasm', (wl) => med('tfjs-wasm', wl), TFJS_WASM_RATIO);
  ratio('PyTorch', torch, PYTORCH_RATIO);
  return rows;
}
