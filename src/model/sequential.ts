/**
 * Sequential: a stack of layers with Keras' compile / fit / evaluate /
 * predict. The model owns the backend (injected), the seeded random streams
 * and the flat parameter store; layers do the math through the backend.
 */
import { resolveBackend, type BackendSpec } from '../kernels/backend.js';
import type { Kernels } from '../kernels/kernels.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Dense } from '../layers/dense.js';
import { Embedding } from '../layers/embedding.js';
import { type ForwardContext, type Layer, type Shape } from '../layers/layer.js';
import { RecurrentLayer } from '../layers/recurrent.js';
import { computeLoss, lossFromString, type LossName, type LossOptions } from '../losses/losses.js';
import { metricSum, resolveMetric, type MetricName, type ResolvedMetric } from '../metrics/metrics.js';
import { getOptimizer, type OptimizerName } from '../optimizers/index.js';
import type { Optimizer } from '../optimizers/optimizer.js';
import { Random, resolveSeed } from '../random.js';
import { Tensor, formatShape, toTensor, type TensorLike } from '../tensor.js';
import { type Callback, History } from './history.js';
import { ParameterStore } from './parameters.js';
import { ProjectedEmbeddings } from './projected-embeddings.js';
import { summarize } from './summary.js';
import { checkTargets } from './targets.js';
import { runFit, type FitOptions, evaluateBatches } from './training.js';

export interface SequentialOptions {
  name?: string;
  /** Seed for initialization, dropout and shuffling. Default: setSeed() or time-based. */
  seed?: number;
  /** 'reference', 'wasm' or a Kernels object. Default: RECURRENT_BACKEND or the fastest available. */
  backend?: BackendSpec;
}

export interface CompileOptions {
  optimizer: OptimizerName | Optimizer;
  loss: LossName | string;
  metrics?: (MetricName | string)[];
  lossOptions?: LossOptions;
}

interface Compiled {
  optimizer: Optimizer;
  loss: LossName;
  lossOptions: LossOptions;
  metrics: { key: string; metric: ResolvedMetric }[];
}

/** One batch's loss, metric sums and the gradient w.r.t. the model's output. */
export interface BatchResult {
  loss: number;
  metricSums: { key: string; sum: number; count: number }[];
}

/**
 * Whether an Embedding and the layer after it run as one kernel call (forwardEmbedded):
 * a recurrent layer (or Bidirectional), both built. Masking (maskZero) is rejected at
 * build time before an RNN.
 */
function fusesWithEmbedding(embedding: Embedding, next: Layer | undefined): next is RecurrentLayer | Bidirectional {
  if (!embedding.built || embedding.maskZero || !next?.built) return false;
  return next instanceof RecurrentLayer || next instanceof Bidirectional;
}

export class Sequential {
  readonly name: string;
  readonly layers: Layer[] = [];
  readonly kernels: Kernels;
  private readonly initRng: Random;
  private readonly dropoutRng: Random;
  readonly shuffleRng: Random;
  private store: ParameterStore | null = null;
  private compiled: Compiled | null = null;
  private inputShape: Shape | null = null;
  /** Set by fit() between batches; a callback may set it to stop training (Keras: model.stop_training). */
  stopTraining = false;
  /** Inference caches of Embedding tables projected through the next recurrent layer's input kernel. */
  private readonly projectedTables = new ProjectedEmbeddings();

  constructor(layers: Layer[] = [], options: SequentialOptions = {}) {
    this.name = options.name ?? 'sequential';
    this.kernels = resolveBackend(options.backend);
    const rng = new Random(resolveSeed(options.seed));
    this.initRng = rng.fork();
    this.dropoutRng = rng.fork();
    this.shuffleRng = rng.fork();
    for (const layer of layers) this.add(layer);
  }

  add(layer: Layer): this {
    if (layer instanceof RecurrentLayer && layer.returnState) {
      throw new Error(`${layer.name}: returnState layers return several tensors and cannot be used inside a Sequential; call the layer directly with layer.call(...)`);
    }
    const taken = new Set(this.layers.map((l) => l.name));
    if (taken.has(layer.name)) {
      let i = 1;
      while (taken.has(`${layer.name}_${i}`)) i++;
      layer.name = `${layer.name}_${i}`;
    }
    this.layers.push(layer);
    this.store = null; // rebuilt (values kept) on next use
    if (this.layers.length === 1 && layer.batchInputShape) this.inputShape = layer.batchInputShape;
    if (this.inputShape) this.build(this.inputShape);
    return this;
  }

  get built(): boolean {
    return this.inputShape !== null && this.layers.every((l) => l.built);
  }

  /** Builds every layer for an input shape (batch axis included, may be null) and gathers the parameters into one buffer. */
  build(inputShape: Shape): void {
    if (this.layers.length === 0) throw new Error(`${this.name}: the model has no layers`);
    let shape = inputShape;
    this.layers.forEach((layer, i) => {
      const prev = this.layers[i - 1];
      if (prev instanceof Embedding && prev.maskZero && (layer instanceof RecurrentLayer || layer instanceof Bidirectional)) {
        throw new Error(
          `${prev.name}: maskZero is not supported through recurrent layers yet (${layer.name}); build the embedding without maskZero and pad with padding: 'pre' (the padSequences default), so the padding comes before the real tokens`,
        );
      }
    });
    for (const layer of this.layers) {
      if (!layer.built) layer.build(shape, this.initRng.fork());
      shape = layer.computeOutputShape(shape);
    }
    this.inputShape = inputShape;
    this.store = null;
  }

  /** The flat parameter store, (re)created after layers were added. */
  private get params(): ParameterStore | null {
    if (!this.built) return null;
    this.store ??= new ParameterStore(this.layers.flatMap((l) => l.params), this.kernels);
    return this.store;
  }

  compile(options: CompileOptions): void {
    const loss = lossFromString(options.loss);
    this.compiled = {
      optimizer: getOptimizer(options.optimizer),
      loss,
      lossOptions: options.lossOptions ?? {},
      metrics: (options.metrics ?? []).map((m) => resolveMetric(m, loss)),
    };
  }

  /** The input shape the model was built for (batch axis included), or null before it is built. */
  get modelInputShape(): Shape | null {
    return this.inputShape ? [...this.inputShape] : null;
  }

  get optimizer(): Optimizer | null {
    return this.compiled?.optimizer ?? null;
  }

  /** Forgets the carried states of every stateful recurrent layer (Keras `reset_states`). */
  resetStates(): void {
    for (const layer of this.layers) if (layer instanceof RecurrentLayer || layer instanceof Bidirectional) layer.resetStates();
  }

  /** What the model was compiled with (the optimizer instance itself; metrics by their keys), or null before compile. */
  get compileOptions(): (CompileOptions & { optimizer: Optimizer; lossOptions: LossOptions; metrics: string[] }) | null {
    const c = this.compiled;
    return c ? { optimizer: c.optimizer, loss: c.loss, lossOptions: { ...c.lossOptions }, metrics: c.metrics.map((m) => m.key) } : null;
  }

  private requireCompiled(what: string): Compiled {
    if (!this.compiled) throw new Error(`${this.name}: call model.compile({ optimizer, loss }) before ${what}`);
    return this.compiled;
  }

  /** Converts user input to a Tensor and checks its rank against the model's input. */
  toInput(x: TensorLike, what: string): Tensor {
    const t = toTensor(x, what);
    if (!this.built) this.build([null, ...t.shape.slice(1)]);
    const expected = this.inputShape!;
    if (t.shape.length !== expected.length || expected.some((d, i) => i > 0 && d !== null && d !== t.shape[i])) {
      throw new Error(`${what}: input shape ${formatShape([...t.shape])} does not match the model's input shape ${formatShape(expected)} expected by its first layer ${this.layers[0].name} (${this.layers[0].className})`);
    }
    return t;
  }

  forward(x: Tensor, training: boolean): Tensor {
    // the flat store puts the weights where the backend keeps them (wasm memory) from the first
    // call on, so inference without any training step reads them in place too
    void this.params;
    const ctx: ForwardContext = { kernels: this.kernels, training, rng: this.dropoutRng };
    let h = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i];
      const next = this.layers[i + 1];
      if (layer instanceof Embedding && fusesWithEmbedding(layer, next) && h.shape.length === 2) {
        // Embedding → recurrent layer in one kernel call: no [B, T, E] sequence in between
        const out = !training && next instanceof RecurrentLayer ? this.projectedTables.forward(layer, next, h, ctx) : null;
        // a frozen table (trainable: false) gets no gradient: the kernels skip that part of the backward
        const tableGrad = layer.trainable && layer.params.every((p) => p.trainable) ? layer.tableGrad : null;
        h = out ?? next.forwardEmbedded(layer.table, tableGrad, new Tensor(layer.toIds(h), [h.shape[0], h.shape[1]], 'int32'), ctx);
        i++; // the recurrent layer ran too
        continue;
      }
      h = layer.forward(h, ctx);
    }
    return h;
  }

  /** The Dense layer whose activation the loss can absorb (sigmoid + BCE, softmax + CE): computed from logits, as Keras' TensorFlow backend does, for stability near 0 and 1. */
  private fusedOutput(c: Compiled): Dense | null {
    const last = this.layers[this.layers.length - 1];
    if (!(last instanceof Dense) || c.lossOptions.fromLogits) return null;
    if (c.loss === 'binaryCrossentropy' && last.activation === 'sigmoid') return last;
    if ((c.loss === 'categoricalCrossentropy' || c.loss === 'sparseCategoricalCrossentropy') && last.activation === 'softmax') return last;
    return null;
  }

  private lastRecurrentName(): string {
    const r = [...this.layers].reverse().find((l) => l instanceof RecurrentLayer && l.returnSequences);
    return r ? `layer "${r.name}"` : 'a recurrent layer';
  }

  /** Loss and metric sums for predictions against targets (no gradient). */
  scoreBatch(pred: Tensor, y: Tensor, withGradient: boolean): BatchResult & { grad: Float32Array | null; fused: Dense | null } {
    const c = this.requireCompiled('training or evaluation');
    const target = checkTargets(y, pred.shape, c.loss, this.lastRecurrentName());
    const C = pred.shape[pred.shape.length - 1];
    const fused = this.fusedOutput(c);
    const source = fused ? fused.lastLogits! : (pred.data as Float32Array);
    const { loss, grad } = computeLoss(c.loss, source, target, C, { ...c.lossOptions, fromLogits: fused ? true : c.lossOptions.fromLogits });
    const metricSums = c.metrics.map(({ key, metric }) => ({ key, ...metricSum(metric, pred.data as Float32Array, target, C) }));
    return { loss, metricSums, grad: withGradient ? grad : null, fused };
  }

  /** One optimizer step on one batch; returns the loss and metric sums. */
  trainStep(x: Tensor, y: Tensor): BatchResult {
    const c = this.requireCompiled('training');
    const store = this.params!; // before forward: the store rebinds Param.grad, which forwardEmbedded hands to its backward
    const pred = this.forward(x, true);
    const scored = this.scoreBatch(pred, y, true);
    if (!Number.isFinite(scored.loss)) return scored; // the caller reports where; no update with a broken gradient
    store.zeroGrads();
    const ctx: ForwardContext = { kernels: this.kernels, training: true, rng: this.dropoutRng };
    let grad: Tensor | null;
    let i = this.layers.length - 1;
    if (scored.fused) {
      const inShape = [...pred.shape.slice(0, -1), (scored.fused.params[0].shape[0])];
      grad = scored.fused.backwardFromLogits(scored.grad!, ctx, inShape);
      i--;
    } else grad = new Tensor(scored.grad!, pred.shape);
    for (; i >= 0 && grad; i--) grad = this.layers[i].backward(grad, ctx);
    c.optimizer.apply(this.layers.filter((l) => l.trainable).flatMap((l) => l.params.filter((p) => p.trainable)), this.kernels);
    return scored;
  }

  /** Keras trainOnBatch: one update; returns [loss, ...metrics]. */
  trainOnBatch(x: TensorLike, y: TensorLike): number[] {
    const xt = this.toInput(x, 'trainOnBatch');
    const r = this.trainStep(xt, toTensor(y, 'trainOnBatch targets'));
    if (!Number.isFinite(r.loss)) throw new Error(`trainOnBatch: loss is ${r.loss}; check inputs and targets for NaN, lower the learning rate, or set clipnorm`);
    return [r.loss, ...r.metricSums.map((m) => m.sum / m.count)];
  }

  async fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    this.requireCompiled('fit()');
    return runFit(this, this.toInput(x, 'fit'), toTensor(y, 'fit targets'), options);
  }

  /** Returns [loss, ...metrics] over the data, in inference mode. */
  async evaluate(x: TensorLike, y: TensorLike, options: { batchSize?: number; verbose?: number } = {}): Promise<number[]> {
    this.requireCompiled('evaluate()');
    const logs = evaluateBatches(this, this.toInput(x, 'evaluate'), toTensor(y, 'evaluate targets'), options.batchSize ?? 32);
    return [logs.loss, ...this.compiled!.metrics.map((m) => logs[m.key])];
  }

  /** Metric keys in the order evaluate() returns them after the loss. */
  get metricKeys(): string[] {
    return this.compiled?.metrics.map((m) => m.key) ?? [];
  }

  /** Inference on a batch of inputs, processed `batchSize` rows at a time. */
  predict(x: TensorLike, options: { batchSize?: number } = {}): Tensor {
    const xt = this.toInput(x, 'predict');
    const n = xt.shape[0];
    const batchSize = options.batchSize ?? 32;
    const parts: Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const end = Math.min(n, start + batchSize);
      const rows = xt.size / n;
      const batch = new Tensor(xt.data.subarray(start * rows, end * rows) as Float32Array | Int32Array, [end - start, ...xt.shape.slice(1)], xt.dtype);
      parts.push(this.forward(batch, false));
    }
    if (parts.length === 1) return parts[0];
    const rowSize = parts[0].size / parts[0].shape[0];
    const out = new Float32Array(n * rowSize);
    let o = 0;
    for (const p of parts) {
      out.set(p.data, o);
      o += p.size;
    }
    return new Tensor(out, [n, ...parts[0].shape.slice(1)]);
  }

  summary(print = true): string {
    if (!this.built) throw new Error(`${this.name}: summary() needs a built model (give the first layer an inputShape, or call the model once)`);
    const text = summarize(this.name, this.layers, this.inputShape!);
    if (print) console.log(text);
    return text;
  }

  countParams(): number {
    return this.params?.values.length ?? 0;
  }

  getWeights(): Tensor[] {
    return this.layers.flatMap((l) => l.getWeights());
  }

  setWeights(weights: Tensor[]): void {
    if (!this.built) throw new Error(`${this.name}: setWeights needs a built model (give the first layer an inputShape, or call the model once)`);
    const expected = this.layers.reduce((n, l) => n + l.params.length, 0);
    if (weights.length !== expected) throw new Error(`${this.name}: setWeights got ${weights.length} arrays, the model has ${expected}`);
    let i = 0;
    for (const l of this.layers) {
      l.setWeights(weights.slice(i, i + l.params.length));
      i += l.params.length;
    }
  }
}

export type { Callback, FitOptions };
