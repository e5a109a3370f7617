/**
 * Child process of bench/compare.ts: times one workload on one recurrent backend.
 *   node build/bench/recurrent-workloads.js <reference|wasm-1t|wasm-2t> <workloadId> <warmup> <runs>
 * The wasm backend picks its relaxed-SIMD (FMA) build where available (the
 * default; RECURRENT_RELAXED_SIMD=0 opts out); the result reports which ran.
 * Prints one RESULT_PREFIX JSON line.
 */
import { Sequential, createWasmKernels, layers, tensor, type Kernels, type WasmKernels } from '../src/index.js';
import { emit, makeBatch, median, parseChildArgs, peakRssMb, timeRuns, type Workload } from './workloads.js';

function recurrentLayer(wl: Workload): layers.Layer {
  const opts = { units: wl.units };
  if (wl.cell === 'lstm') return layers.lstm(opts);
  if (wl.cell === 'gru') return layers.gru(opts);
  return layers.simpleRNN(opts);
}

async function main(): Promise<void> {
  const { library, wl, plan } = parseChildArgs(process.argv.slice(2));
  let backend: 'reference' | Kernels;
  let wasm: WasmKernels | null = null;
  if (library === 'reference') backend = 'reference';
  else if (library === 'wasm-1t' || library === 'wasm-2t') {
    wasm = createWasmKernels({ threads: library === 'wasm-1t' ? 1 : 2 });

    backend = wasm;
  } else throw new Error(`unknown recurrent library "${library}"`);
  try {
    const tBuild = performance.now();
    const model = new Sequential(
      [layers.embedding({ inputDim: wl.vocab, outputDim: wl.embed, inputLength: wl.seqLen }), recurrentLayer(wl), layers.dense({ units: 1, activation: 'sigmoid' })],
      { seed: 1, backend },
    );
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const buildMs = performance.now() - tBuild;
    const { ids, labels } = makeBatch(wl);
    const x = tensor(ids, [wl.batch, wl.seqLen], 'int32');
    const y = tensor(labels, [wl.batch, 1]);
    let sink = 0;
    const fn =
      wl.phase === 'train'
        ? (): void => {
            sink += model.trainOnBatch(x, y)[0];
          }
        : (): void => {
            sink += model.predict(x, { batchSize: wl.batch }).data[0];
          };
    const times = await timeRuns(plan, fn);
    if (!Number.isFinite(sink)) throw new Error(`non-finite result ${sink}`);
    emit({
      library,
      workload: wl.id,
      ok: true,
      times,
      medianMs: median(times),
      warmup: plan.warmup,
      peakRssMb: peakRssMb(),
      info: { threads: wasm ? wasm.threads : 1, fma: wasm ? wasm.runtime.fma : false, buildMs: Math.round(buildMs) },
    });
  } finally {
    wasm?.dispose();
  }
}

main().catch((e: unknown) => {
  const { library, wl } = (() => {
    try {
      return parseChildArgs(process.argv.slice(2));
    } catch {
      return { library: process.argv[2] ?? '?', wl: { id: process.argv[3] ?? '?' } };
    }
  })();
  emit({ library, workload: wl.id, ok: false, error: e instanceof Error ? e.message : String(e), peakRssMb: peakRssMb() });
  process.exitCode = 1;
});
