/**
 * The fit and evaluate loops: batching, shuffling, validation split,
 * callbacks, progress and the non-finite-loss stop.
 */
import { Tensor, type TensorLike, gatherRows, sliceRows, toTensor } from '../tensor.js';
import { type Callback, History, type Logs } from './history.js';
import { ProgressBar } from './progress.js';
import type { Sequential } from './sequential.js';

export interface FitOptions {
  epochs?: number;
  batchSize?: number;
  /** Fraction of the data held out for validation: the last samples, taken before shuffling (Keras semantics). */
  validationSplit?: number;
  validationData?: [TensorLike, TensorLike];
  /** Shuffle the training samples every epoch (default true). */
  shuffle?: boolean;
  /** 0 silent, 1 progress bar (default), 2 one line per epoch. */
  verbose?: number;
  callbacks?: Callback[];
  initialEpoch?: number;
}

/** Thrown when the loss becomes NaN or infinite; carries the history so far. */
export class NonFiniteLossError extends Error {
  constructor(
    message: string,
    readonly history: History,
  ) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

/** Yields to the event loop so timers, I/O and UI stay live during long fits. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

export function evaluateBatches(model: Sequential, x: Tensor, y: Tensor, batchSize: number): Logs {
  const n = x.shape[0];
  if (y.shape[0] !== n) throw new Error(`evaluate: ${n} inputs but ${y.shape[0]} targets`);
  let lossSum = 0;
  const sums = new Map<string, { sum: number; count: number }>();
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const pred = model.forward(sliceRows(x, start, end), false);
    const r = model.scoreBatch(pred, sliceRows(y, start, end), false);
    lossSum += r.loss * (end - start);
    for (const m of r.metricSums) {
      const acc = sums.get(m.key) ?? { sum: 0, count: 0 };
      acc.sum += m.sum;
      acc.count += m.count;
      sums.set(m.key, acc);
    }
  }
  const logs: Logs = { loss: lossSum / n };
  for (const [k, v] of sums) logs[k] = v.sum / v.count;
  return logs;
}

export async function runFit(model: Sequential, x: Tensor, y: Tensor, options: FitOptions): Promise<History> {
  const epochs = options.epochs ?? 1;
  const batchSize = options.batchSize ?? 32;
  const verbose = options.verbose ?? 1;
  const callbacks = options.callbacks ?? [];
  if (!Number.isInteger(batchSize) || batchSize <= 0) throw new Error(`fit: batchSize must be a positive integer, got ${batchSize}`);
  if (y.shape[0] !== x.shape[0]) throw new Error(`fit: ${x.shape[0]} inputs but ${y.shape[0]} targets`);

  let xTrain = x, yTrain = y;
  let validation: [Tensor, Tensor] | null = options.validationData
    ? [model.toInput(options.validationData[0], 'fit validationData'), toTensor(options.validationData[1], 'fit validationData targets')]
    : null;
  if (options.validationSplit !== undefined && options.validationSplit > 0) {
    if (options.validationSplit >= 1) throw new Error(`fit: validationSplit must be in [0, 1), got ${options.validationSplit}`);
    const splitAt = Math.floor(x.shape[0] * (1 - options.validationSplit));
    if (splitAt === 0) throw new Error('fit: validationSplit leaves no training samples');
    validation = [sliceRows(x, splitAt, x.shape[0]), sliceRows(y, splitAt, y.shape[0])];
    xTrain = sliceRows(x, 0, splitAt);
    yTrain = sliceRows(y, 0, splitAt);
  }

  const n = xTrain.shape[0];
  const steps = Math.ceil(n / batchSize);
  const history = new History();
  const order = Int32Array.from({ length: n }, (_, i) => i);
  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin?.({});

  for (let epoch = options.initialEpoch ?? 0; epoch < epochs && !model.stopTraining; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch, {});
    ProgressBar.epochHeader(epoch, epochs, verbose);
    const bar = new ProgressBar(steps, verbose);
    if (options.shuffle ?? true) model.shuffleRng.shuffle(order);
    let lossSum = 0, seen = 0;
    const sums = new Map<string, { sum: number; count: number }>();
    let logs: Logs = {};
    for (let step = 0; step < steps; step++) {
      const idx = order.subarray(step * batchSize, Math.min(n, (step + 1) * batchSize));
      for (const cb of callbacks) await cb.onBatchBegin?.(step, { batch: step, size: idx.length });
      const r = model.trainStep(gatherRows(xTrain, idx), gatherRows(yTrain, idx));
      if (!Number.isFinite(r.loss)) {
        bar.finish(logs);
        throw new NonFiniteLossError(
          `fit: loss became ${r.loss} at epoch ${epoch + 1}, batch ${step + 1} of ${steps}; training stopped. Check the data for NaN/Infinity, lower the learning rate, or set clipnorm on the optimizer.`,
          history,
        );
      }
      lossSum += r.loss * idx.length;
      seen += idx.length;
      for (const m of r.metricSums) {
        const acc = sums.get(m.key) ?? { sum: 0, count: 0 };
        acc.sum += m.sum;
        acc.count += m.count;
        sums.set(m.key, acc);
      }
      logs = { loss: lossSum / seen };
      for (const [k, v] of sums) logs[k] = v.sum / v.count;
      bar.update(step + 1, logs);
      for (const cb of callbacks) await cb.onBatchEnd?.(step, { ...logs, batch: step, size: idx.length });
      if (step % 16 === 15) await yieldToEventLoop();
      if (model.stopTraining) break;
    }
    if (validation) {
      const v = evaluateBatches(model, validation[0], validation[1], batchSize);
      for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
    }
    bar.finish(logs);
    history.record(epoch, logs);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs);
    await yieldToEventLoop();
  }
  for (const cb of callbacks) await cb.onTrainEnd?.({});
  return history;
}
