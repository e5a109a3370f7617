/**
 * Child process of bench/compare.ts: times one workload with TensorFlow.js 4.22
 * (`cpu` backend = pure JS, or `wasm` backend = XNNPACK SIMD).
 *   node build/bench/tfjs-workloads.js <tfjs-cpu|tfjs-wasm> <workloadId> <warmup> <runs>
 *
 * The tfjs wasm backend has no `UnsortedSegmentSum` kernel, which the gradient
 * of Gather (hence of the Embedding layer) needs. For this benchmark only we
 * register a shim that does the segment sum on the CPU in plain JS (read the
 * inputs off the wasm heap, sum rows, write the output to the heap). The same
 * shim replaces the stock cpu kernel, which is pathologically slow for a
 * vocabulary-sized segment count (set BENCH_TFJS_CPU_STOCK=1 to keep it).
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { emit, makeBatch, median, parseChildArgs, peakRssMb, timeRuns, type Workload } from './workloads.js';

type TF = typeof import('@tensorflow/tfjs');
type TFWasm = typeof import('@tensorflow/tfjs-backend-wasm');
type BackendWasm = import('@tensorflow/tfjs-backend-wasm').BackendWasm;
type TensorInfo = import('@tensorflow/tfjs').TensorInfo;

const require = createRequire(import.meta.url);

/** Row-wise segment sum in plain JS: out[ids[i]] += x[i] (x is [N, ...rest], ids is [N]). */
function segmentSum(xv: Float32Array, ids: Int32Array, row: number, out: Float32Array): void {
  out.fill(0);
  const numSegments = out.length / row;
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * row;
    const dst = s * row;
    for (let k = 0; k < row; k++) out[dst + k] += xv[src + k];
  }
}

interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

/**
 * Registers the JS UnsortedSegmentSum for `backendName`, replacing any stock
 * kernel. wasm: the kernel is missing. cpu: the stock kernel loops over all
 * numSegments (= vocabulary size) and for each builds a full-size mask and
 * product of x, so it does O(vocab x batch x seqLen x embed) work and keeps
 * every intermediate alive until the end (a single seed LSTM training batch ran
 * for more than 10 minutes and reached 8.3 GB RSS without finishing).
 */
function registerUnsortedSegmentSumShim(tf: TF, backendName: 'wasm' | 'cpu'): void {
  if (tf.getKernel('UnsortedSegmentSum', backendName)) tf.unregisterKernel('UnsortedSegmentSum', backendName);
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x, segmentIds } = inputs as unknown as { x: TensorInfo; segmentIds: TensorInfo };
      const numSegments = (attrs as unknown as { numSegments: number }).numSegments;
      if (x.dtype !== 'float32') throw new Error(`UnsortedSegmentSum shim: dtype ${x.dtype} not supported`);
      if (segmentIds.shape.length !== 1) throw new Error('UnsortedSegmentSum shim: segmentIds must be 1-D');
      const rest = x.shape.slice(1);
      const row = rest.reduce((a, c) => a * c, 1);
      const outShape = [numSegments, ...rest];
      if (backendName === 'wasm') {
        const b = backend as BackendWasm;
        // Allocate the output first: allocation may grow the heap and detach views.
        const out = b.makeOutput(outShape, x.dtype);
        const xv = (b.readSync(x.dataId) as Float32Array).slice();
        const ids = (b.readSync(segmentIds.dataId) as Int32Array).slice();
        segmentSum(xv, ids, row, b.typedArrayFromHeap(out) as Float32Array);
        return out;
      }
      const b = backend as unknown as CpuBackendLike;
      const out = new Float32Array(numSegments * row);
      segmentSum(b.readSync(x.dataId) as Float32Array, b.readSync(segmentIds.dataId) as Int32Array, row, out);
      return b.makeTensorInfo(outShape, 'float32', out);
    },
  });
}

function build(tf: TF, wl: Workload): import('@tensorflow/tfjs').Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: wl.vocab, outputDim: wl.embed, inputLength: wl.seqLen }));
  // glorotUniform instead of the default orthogonal recurrent initializer: tfjs
  // computes orthogonal init with a QR decomposition in JS, which took ~6 min
  // for the heavy 256x1024 kernel on the cpu backend. Initial values do not
  // change the cost of a training step.
  const opts = { units: wl.units, recurrentInitializer: 'glorotUniform' as const };
  model.add(wl.cell === 'lstm' ? tf.layers.lstm(opts) : wl.cell === 'gru' ? tf.layers.gru(opts) : tf.layers.simpleRNN(opts));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  return model;
}

async function main(): Promise<void> {
  const { library, wl, plan } = parseChildArgs(process.argv.slice(2));
  const tf = require('@tensorflow/tfjs') as TF;
  const info: Record<string, string | number | boolean> = { tfjs: tf.version.tfjs };
  let note: string | undefined;
  if (library === 'tfjs-cpu') {
    await tf.setBackend('cpu');
    if (process.env.BENCH_TFJS_CPU_STOCK !== '1') {
      registerUnsortedSegmentSumShim(tf, 'cpu');
      note = 'stock UnsortedSegmentSum replaced by the JS shim (stock cpu kernel is O(vocab) full passes)';
    } else note = 'stock UnsortedSegmentSum kernel';
  } else if (library === 'tfjs-wasm') {
    const tfw = require('@tensorflow/tfjs-backend-wasm') as TFWasm;
    const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/';
    tfw.setWasmPaths(dist);
    const threads = process.env.BENCH_TFJS_WASM_THREADS;
    if (threads) tfw.setThreadsCount(Number(threads));
    registerUnsortedSegmentSumShim(tf, 'wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") failed');
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.multithread = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
    info.threads = tfw.getThreadsCount();
    note = 'UnsortedSegmentSum shim (JS on CPU) for the Embedding gradient';
  } else throw new Error(`unknown tfjs library "${library}"`);
  await tf.ready();
  info.backend = tf.getBackend();

  const tBuild = performance.now();
  const model = build(tf, wl);
  info.buildMs = Math.round(performance.now() - tBuild);
  const { ids, labels } = makeBatch(wl);
  const x = tf.tensor2d(ids, [wl.batch, wl.seqLen], 'int32');
  const y = tf.tensor2d(labels, [wl.batch, 1]);
  let sink = 0;
  const fn =
    wl.phase === 'train'
      ? async (): Promise<void> => {
          const r = await model.trainOnBatch(x, y);
          sink += Array.isArray(r) ? r[0] : r;
        }
      : (): void => {
          const out = model.predict(x, { batchSize: wl.batch }) as import('@tensorflow/tfjs').Tensor;
          sink += out.dataSync()[0];
          out.dispose();
        };
  const times = await timeRuns(plan, fn);
  if (!Number.isFinite(sink)) throw new Error(`non-finite result ${sink}`);
  info.tensorsAfter = tf.memory().numTensors;
  emit({ library, workload: wl.id, ok: true, times, medianMs: median(times), warmup: plan.warmup, peakRssMb: peakRssMb(), note, info });
}

/**
 * `--check`: the shim's Embedding-style gradient (gather then weighted sum)
 * on wasm and cpu must equal the stock cpu kernel's on a small case.
 */
async function selfCheck(): Promise<void> {
  const tf = require('@tensorflow/tfjs') as TF;
  const tfw = require('@tensorflow/tfjs-backend-wasm') as TFWasm;
  tfw.setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  const ids = [3, 1, 3, 0, 7, 3, 8, 1];
  const pv = Array.from({ length: 9 * 4 }, (_, i) => Math.sin(i));
  const gradOn = async (backend: string): Promise<number[]> => {
    await tf.setBackend(backend);
    const p = tf.tensor2d(pv, [9, 4]);
    const idx = tf.tensor1d(ids, 'int32');
    const wts = tf.tensor2d(Array.from({ length: ids.length * 4 }, (_, i) => i - 7), [ids.length, 4]);
    const g = tf.grad((q: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.mul(tf.gather(q, idx), wts)))(p);
    return Array.from(g.dataSync());
  };
  const stock = await gradOn('cpu');
  registerUnsortedSegmentSumShim(tf, 'cpu');
  registerUnsortedSegmentSumShim(tf, 'wasm');
  const shimCpu = await gradOn('cpu');
  const shimWasm = await gradOn('wasm');
  const maxDiff = (a: number[]): number => Math.max(...a.map((v, i) => Math.abs(v - stock[i])));
  const d = Math.max(maxDiff(shimCpu), maxDiff(shimWasm));
  console.log(`UnsortedSegmentSum shim check: max |shim - stock cpu| = ${d}`);
  if (d > 1e-5) throw new Error('shim gradient mismatch');
}

(process.argv[2] === '--check' ? selfCheck() : main()).catch((e: unknown) => {
  emit({ library: process.argv[2] ?? '?', workload: process.argv[3] ?? '?', ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e), peakRssMb: peakRssMb() });
  process.exitCode = 1;
});
