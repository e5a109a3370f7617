/**
 * Model-level comparison: recurrent (reference, wasm 1 and 2 threads) vs
 * TensorFlow.js 4.22 (cpu, wasm) vs PyTorch CPU (1 and 2 threads) on the
 * "seed" and "heavy" workloads of bench/workloads.ts. Every (library,
 * workload) pair runs in its own child process, one after another, so memory
 * (peak RSS) and threads are isolated; the children print one JSON result line.
 *
 *   node build/bench/compare.js
 *
 * Environment:
 *   BENCH_QUICK=1               fewer warm-up/timed batches, skips reference on heavy
 *   BENCH_ONLY=seed-lstm,heavy  only workloads whose id contains one of these
 *   BENCH_LIBS=wasm-2t,torch-2t only these libraries
 *   BENCH_REFERENCE_HEAVY=0     skip the (slow) reference backend on heavy
 *   BENCH_TFJS_CPU_STOCK=1      TF.js cpu with its stock UnsortedSegmentSum (very slow, see tfjs-workloads.ts)
 *   BENCH_PYTHON=/usr/bin/python3
 *   BENCH_JSON=path             also write all results as JSON
 *   BENCH_TIMEOUT_S=1200        per-child timeout
 *   BENCH_TABLE_OUT=path        also write the headline (median ms) table as Markdown
 *   BENCH_ROUNDS=5              child processes per quick cell (recurrent wasm, PyTorch, TF.js wasm on seed),
 *                               one per round over the whole grid; a cell reports the median of their medians
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goalRows } from './goals.js';
import { RESULT_PREFIX, WORKLOADS, median, workloadLabel, type ChildResult, type Plan, type Workload } from './workloads.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
const env = process.env;
const QUICK = env.BENCH_QUICK === '1';
const PYTHON = env.BENCH_PYTHON ?? '/usr/bin/python3';
const TIMEOUT_MS = Number(env.BENCH_TIMEOUT_S ?? (QUICK ? 300 : 1200)) * 1000;
// The VM's speed drifts by 1.2–1.5x over minutes: one child process per cell measures one minute of it. Cells that take
// seconds run once per round, the rounds spread over the whole run, so a slow minute moves one of their medians, not the cell.
const ROUNDS = Math.max(1, Number(env.BENCH_ROUNDS ?? (QUICK ? 1 : 5)));

interface Library {
  id: string;
  label: string;
  kind: 'recurrent' | 'tfjs' | 'torch';
  /** Timing plan per workload; null = skipped (with the reason). */
  plan(wl: Workload): Plan | { skip: string };
  /** Cells quick enough to repeat in every round (see ROUNDS). */
  repeat?(wl: Workload): boolean;
  env?: Record<string, string>;
}

// Fast libraries get many timed batches: single 2-thread batches on a shared VM spike when the
// host deschedules one of the threads, and a median over 7 still moved by 30% between runs.
const fast = (wl: Workload): Plan => (QUICK ? { warmup: 1, runs: 3 } : wl.group === 'heavy' ? { warmup: 3, runs: 9 } : { warmup: 5, runs: 31 });

const LIBRARIES: Library[] = [
  {
    id: 'reference',
    label: 'recurrent reference',
    kind: 'recurrent',
    plan: (wl) => {
      if (wl.group === 'heavy') {
        if (QUICK) return { skip: 'skipped in quick mode' };
        if (env.BENCH_REFERENCE_HEAVY === '0') return { skip: 'skipped (BENCH_REFERENCE_HEAVY=0)' };
        return { warmup: 0, runs: 2 };
      }
      return QUICK ? { warmup: 0, runs: 1 } : { warmup: 1, runs: 3 };
    },
  },
  { id: 'wasm-1t', label: 'recurrent wasm 1 thread', kind: 'recurrent', plan: fast, repeat: () => true },
  { id: 'wasm-2t', label: 'recurrent wasm 2 threads', kind: 'recurrent', plan: fast, repeat: () => true },
  {
    id: 'tfjs-cpu',
    label: 'TF.js cpu',
    kind: 'tfjs',
    plan: (wl) => (QUICK ? (wl.group === 'heavy' ? { skip: 'skipped in quick mode (~70 s/batch)' } : { warmup: 0, runs: 1 }) : wl.group === 'heavy' ? { warmup: 1, runs: 2 } : { warmup: 1, runs: 3 }),
  },
  {
    id: 'tfjs-wasm',
    label: 'TF.js wasm (SIMD)',
    kind: 'tfjs',
    plan: (wl) => (QUICK ? { warmup: 1, runs: 2 } : wl.group === 'heavy' ? { warmup: 1, runs: 3 } : { warmup: 2, runs: 5 }),
    repeat: (wl) => wl.group !== 'heavy',
  },
  { id: 'torch-1t', label: 'PyTorch 1 thread', kind: 'torch', plan: fast, repeat: () => true, env: { OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1' } },
  { id: 'torch-2t', label: 'PyTorch 2 threads', kind: 'torch', plan: fast, repeat: () => true, env: { OMP_NUM_THREADS: '2', MKL_NUM_THREADS: '2', OPENBLAS_NUM_THREADS: '1' } },
];

function selected<T>(items: T[], key: (t: T) => string, filter: string | undefined): T[] {
  if (!filter) return items;
  const parts = filter.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return items.filter((t) => parts.some((p) => key(t).toLowerCase().includes(p)));
}

function torchAvailable(): { ok: boolean; why?: string; info?: Record<string, unknown> } {
  const script = join(repoRoot, 'bench', 'torch_bench.py');
  if (!existsSync(script)) return { ok: false, why: `${script} not found` };
  const r = spawnSync(PYTHON, [script, '--info'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return { ok: false, why: `${PYTHON} cannot import torch (${(r.stderr || r.error?.message || '').trim().split('\n').pop()})` };
  try {
    return { ok: true, info: JSON.parse(r.stdout) as Record<string, unknown> };
  } catch {
    return { ok: true };
  }
}

function childCommand(lib: Library, wl: Workload, plan: Plan): [string, string[]] {
  const common = [lib.id, wl.id, String(plan.warmup), String(plan.runs)];
  if (lib.kind === 'recurrent') return [process.execPath, [join(here, 'recurrent-workloads.js'), ...common]];
  if (lib.kind === 'tfjs') return [process.execPath, [join(here, 'tfjs-workloads.js'), ...common]];
  return [PYTHON, [join(repoRoot, 'bench', 'torch_bench.py'), ...common, JSON.stringify(wl)]];
}

function runChild(lib: Library, wl: Workload, plan: Plan): Promise<ChildResult> {
  const [cmd, args] = childCommand(lib, wl, plan);
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env: { ...env, ...lib.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (line) {
        resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult);
        return;
      }
      const why = timedOut ? `timed out after ${TIMEOUT_MS / 1000} s` : `exit code ${code}: ${(err || out).trim().split('\n').slice(-3).join(' | ')}`;
      resolve({ library: lib.id, workload: wl.id, ok: false, error: why });
    });
  });
}

/**
 * One cell from its child processes: the median of their medians (the middle process of 3), all their timed
 * batches for min/max, the largest peak RSS; a failed process fails the cell.
 */
function mergeRounds(rs: ChildResult[]): ChildResult {
  if (rs.length <= 1 || rs.some((r) => !r.ok)) return rs.find((r) => !r.ok) ?? rs[0];
  const medians = rs.map((r) => r.medianMs!);
  return {
    ...rs[0],
    medianMs: median(medians),
    times: rs.flatMap((r) => r.times ?? []),
    peakRssMb: Math.max(...rs.map((r) => r.peakRssMb ?? 0)),
    roundMedians: medians,
  };
}

// ---------------------------------------------------------------- formatting

function fmtMs(ms: number): string {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

function cell(r: ChildResult | undefined): string {
  if (!r) return '—';
  if (r.skipped) return 'skipped';
  if (!r.ok || r.medianMs === undefined) return 'error';
  const n = r.times?.length ?? 0;
  return `${fmtMs(r.medianMs)}${n < 5 ? ` (n=${n})` : ''}`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cols: string[]): string => '| ' + cols.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
  const sep = '|' + widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : '-'.repeat(w + 1) + ':')).join('|') + '|';
  return [line(header), sep, ...rows.map(line)].join('\n');
}

function versions(torchInfo?: Record<string, unknown>): string[] {
  const pkg = (name: string): string => {
    try {
      return (JSON.parse(readFileSync(join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
    } catch {
      return 'not installed';
    }
  };
  const lines = [
    `date: ${new Date().toISOString()}`,
    `machine: ${cpus()[0]?.model ?? '?'}, ${cpus().length} logical CPUs; load average at start ${loadavg().map((x) => x.toFixed(2)).join(', ')}`,
    `node ${process.version}; @tensorflow/tfjs ${pkg('@tensorflow/tfjs')}; @tensorflow/tfjs-backend-wasm ${pkg('@tensorflow/tfjs-backend-wasm')}`,
  ];
  if (torchInfo) {
    lines.push(
      `PyTorch ${String(torchInfo.torch)} (python ${String(torchInfo.python)}), BLAS: ${String(torchInfo.blasLibs).split(';').pop()} (BLAS_INFO=${String(torchInfo.blasInfo)}, OpenBLAS loaded: ${String(torchInfo.openblas)})`,
    );
  }
  return lines;
}

async function main(): Promise<void> {
  const workloads = selected(WORKLOADS, (w) => w.id, env.BENCH_ONLY);
  const libs = selected(LIBRARIES, (l) => l.id, env.BENCH_LIBS);
  const torch = libs.some((l) => l.kind === 'torch') ? torchAvailable() : { ok: false, why: 'not selected' };
  const header = versions(torch.info);
  console.log(`# Model training and inference: recurrent vs TensorFlow.js vs PyTorch${QUICK ? ' (QUICK mode)' : ''}`);
  for (const l of header) console.log(l);
  console.log('');

  const runs: ChildResult[] = []; // every child process, all rounds
  const jobs: [Library, Workload, number][] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const wl of workloads) for (const lib of libs) if (round === 1 || lib.repeat?.(wl)) jobs.push([lib, wl, round]);
  }
  let i = 0;
  for (const [lib, wl, round] of jobs) {
    i++;
    const p = lib.kind === 'torch' && !torch.ok ? { skip: `PyTorch unavailable: ${torch.why}` } : lib.plan(wl);
    const tag = `[${i}/${jobs.length}] ${ROUNDS > 1 ? `round ${round} ` : ''}${wl.id} ${lib.id}`;
    if ('skip' in p) {
      if (round === 1) {
        runs.push({ library: lib.id, workload: wl.id, ok: false, skipped: p.skip });
        process.stderr.write(`${tag}: ${p.skip}\n`);
      }
      continue;
    }
    process.stderr.write(`${tag}: ${p.warmup} warm-up + ${p.runs} timed ... `);
    const t0 = performance.now();
    const r = await runChild(lib, wl, p);
    runs.push(r);
    process.stderr.write(
      r.ok ? `median ${fmtMs(r.medianMs!)}${r.medianMs! >= 10_000 ? '' : ' ms'}, peak RSS ${r.peakRssMb!.toFixed(0)} MB (${((performance.now() - t0) / 1000).toFixed(1)} s)\n` : `FAILED: ${r.error}\n`,
    );
  }

  const results = workloads.flatMap((wl) => libs.map((lib) => mergeRounds(runs.filter((r) => r.library === lib.id && r.workload === wl.id))));
  const get = (lib: string, wl: string): ChildResult | undefined => results.find((r) => r.library === lib && r.workload === wl);
  const med = (lib: string, wl: string): number | undefined => {
    const r = get(lib, wl);
    return r?.ok ? r.medianMs : undefined;
  };

  const headline = table(['workload', ...libs.map((l) => l.label)], workloads.map((wl) => [workloadLabel(wl), ...libs.map((l) => cell(get(l.id, wl.id)))]));
  console.log('## Median ms per batch (lower is better)\n');
  console.log(headline);
  console.log('');
  if (env.BENCH_TABLE_OUT) writeFileSync(env.BENCH_TABLE_OUT, headline + '\n');

  const base = 'wasm-2t';
  const others = ['reference', 'tfjs-cpu', 'tfjs-wasm', 'torch-1t', 'torch-2t'].filter((id) => libs.some((l) => l.id === id));
  if (libs.some((l) => l.id === base) && others.length) {
    console.log('## Speed-up of recurrent wasm 2 threads (other ms / wasm-2t ms; >1 = recurrent faster)\n');
    const rows = workloads.map((wl) => {
      const b = med(base, wl.id);
      return [
        workloadLabel(wl),
        ...others.map((o) => {
          const m = med(o, wl.id);
          return b !== undefined && m !== undefined ? `${(m / b).toFixed(2)}x` : '—';
        }),
      ];
    });
    console.log(table(['workload', ...others.map((o) => `vs ${LIBRARIES.find((l) => l.id === o)!.label}`)], rows));
    console.log('');
  }

  console.log("## Against the project's goals (faster of recurrent wasm's 1 and 2 threads; PyTorch: faster of its 1 and 2 threads)\n");
  console.log(table(['goal', 'measured', 'met'], goalRows(med).map((g) => [g.goal, g.measured, g.met === undefined ? 'not run' : g.met ? 'yes' : 'no'])));
  console.log('');

  console.log('## Peak RSS per child process, MB\n');
  console.log(
    table(
      ['workload', ...libs.map((l) => l.label)],
      workloads.map((wl) => [
        workloadLabel(wl),
        ...libs.map((l) => {
          const r = get(l.id, wl.id);
          return r?.peakRssMb !== undefined ? r.peakRssMb.toFixed(0) : '—';
        }),
      ]),
    ),
  );
  console.log('');

  console.log('## Runs (warm-up + timed batches per cell; min/max of the timed batches, ms)\n');
  for (const lib of libs) {
    const plans = workloads.map((wl) => {
      const r = get(lib.id, wl.id);
      const rounds = r?.roundMedians && r.roundMedians.length > 1 ? `, round medians ${r.roundMedians.map(fmtMs).join(' / ')}` : '';
      return r?.skipped ? `${wl.id}: ${r.skipped}` : r?.ok ? `${wl.id}: ${r.warmup}+${r.times!.length} (min ${fmtMs(Math.min(...r.times!))}, max ${fmtMs(Math.max(...r.times!))}${rounds})` : `${wl.id}: ERROR ${r?.error ?? ''}`;
    });
    console.log(`- ${lib.label}: ${plans.join('; ')}`);
  }
  const infos = new Map<string, string>();
  for (const r of results) if (r.ok && r.info && !infos.has(r.library)) infos.set(r.library, Object.entries(r.info).filter(([k]) => k !== 'blasLibs').map(([k, v]) => `${k}=${String(v)}`).join(', '));
  console.log('');
  console.log('## Notes\n');
  console.log(`- Load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(', ')} (2 cores; other work on the machine inflates and scatters the numbers, 2-thread runs most).`);
  console.log(
    ROUNDS > 1
      ? `- Each cell is the median over the timed batches of one child process, or, for the quick cells (recurrent wasm, PyTorch, TF.js wasm on seed), the median of ${ROUNDS} such medians from ${ROUNDS} rounds over the whole grid ("(n=k)": fewer than 5 timed batches; per-round medians below).`
      : '- Each cell is the median over the timed batches of one child process; "(n=k)" marks cells with fewer than 5 timed batches.',
  );
  console.log('- train = one full optimizer step (forward, backward, Adam) on one batch via trainOnBatch / loss.backward()+step(); predict = inference on one batch of 32.');
  console.log('- TF.js wasm lacks the UnsortedSegmentSum kernel needed by the Embedding gradient: this benchmark registers a JS shim (CPU, via readSync) for it.');
  console.log(
    env.BENCH_TFJS_CPU_STOCK === '1'
      ? '- TF.js cpu runs its stock UnsortedSegmentSum kernel.'
      : "- TF.js cpu: its stock UnsortedSegmentSum does one full pass over the gradient per vocabulary entry (a seed LSTM batch ran > 10 min at 8.3 GB RSS); the benchmark replaces it with the same JS shim (BENCH_TFJS_CPU_STOCK=1 to keep it).",
  );
  console.log('- TF.js models use recurrentInitializer glorotUniform instead of the default orthogonal one: tfjs computes orthogonal init by a QR decomposition in JS (~6 min for the heavy LSTM kernel on cpu); initial values do not change the cost of a step.');
  console.log('- recurrent wasm uses its default build: relaxed SIMD (FMA) where the runtime allows it (see fma= below), else plain 128-bit SIMD.');
  console.log('- TF.js wasm runs single-threaded in Node (WASM_HAS_MULTITHREAD_SUPPORT is false there), XNNPACK SIMD build.');
  console.log('- PyTorch with 2 threads runs with OPENBLAS_NUM_THREADS=1 (OpenMP intra-op threads only) to avoid OpenMP x OpenBLAS thread oversubscription.');
  for (const [lib, s] of infos) console.log(`- ${lib}: ${s}`);

  if (env.BENCH_JSON) {
    writeFileSync(env.BENCH_JSON, JSON.stringify({ header, quick: QUICK, rounds: ROUNDS, results, runs }, null, 1));
    console.log(`\nJSON results written to ${env.BENCH_JSON}`);
  }
  if (results.some((r) => !r.ok && !r.skipped)) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
