/**
 * A Keras model's saved training setup (`training_config` in .h5 files, `compile_config` in .keras
 * archives) → this library's compile options, so an imported model evaluates and trains on as
 * `keras.models.load_model` leaves it. A setup this library cannot reproduce exactly (a learning-rate
 * schedule, AMSGrad, label smoothing, an unknown loss or metric) is not approximated: the model
 * stays uncompiled and the reason is returned.
 */
import type { CompileOptions } from '../../model/sequential.js';
import { AdamW, Adam, RMSprop, SGD, type Optimizer } from '../../optimizers/index.js';
import { lossFromString, type LossOptions } from '../../losses/losses.js';
import { resolveMetric } from '../../metrics/metrics.js';

type Json = Record<string, unknown>;

/** Keras's optimizer, loss and metrics in either format's shape. */
export interface KerasTrainingSetup {
  optimizer: unknown;
  loss: unknown;
  metrics: unknown;
}

export type CompileResult = { options: CompileOptions } | { reason: string };

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function clipping(c: Json): { clipnorm?: number; clipvalue?: number; globalClipnorm?: number } {
  const out: { clipnorm?: number; clipvalue?: number; globalClipnorm?: number } = {};
  if (typeof c.clipnorm === 'number') out.clipnorm = c.clipnorm;
  if (typeof c.clipvalue === 'number') out.clipvalue = c.clipvalue;
  if (typeof c.global_clipnorm === 'number') out.globalClipnorm = c.global_clipnorm;
  return out;
}

function optimizer(spec: unknown): Optimizer | string {
  if (!isObject(spec) || typeof spec.class_name !== 'string') return `optimizer ${JSON.stringify(spec)} is not a Keras optimizer config`;
  const c = isObject(spec.config) ? spec.config : {};
  const cls = spec.class_name;
  if (typeof c.learning_rate !== 'number') return `${cls}'s learning_rate is a schedule or missing (${JSON.stringify(c.learning_rate)})`;
  if (c.use_ema === true) return `${cls} with use_ema is not supported`;
  if (typeof c.gradient_accumulation_steps === 'number' && c.gradient_accumulation_steps > 1) return `${cls} with gradient_accumulation_steps is not supported`;
  const base = { learningRate: c.learning_rate, ...clipping(c) };
  const num = (key: string): number | undefined => (typeof c[key] === 'number' ? (c[key] as number) : undefined);
  switch (cls) {
    case 'Adam':
    case 'AdamW':
      if (c.amsgrad === true) return `${cls} with amsgrad is not supported`;
      if (cls === 'Adam' && typeof c.weight_decay === 'number' && c.weight_decay !== 0) return 'Adam with weight_decay is not supported (AdamW is)';
      return cls === 'Adam'
        ? new Adam({ ...base, beta1: num('beta_1'), beta2: num('beta_2'), epsilon: num('epsilon') })
        : new AdamW({ ...base, beta1: num('beta_1'), beta2: num('beta_2'), epsilon: num('epsilon'), weightDecay: num('weight_decay') });
    case 'SGD':
      if (typeof c.weight_decay === 'number' && c.weight_decay !== 0) return 'SGD with weight_decay is not supported';
      return new SGD({ ...base, momentum: num('momentum'), nesterov: c.nesterov === true });
    case 'RMSprop':
      if (typeof c.weight_decay === 'number' && c.weight_decay !== 0) return 'RMSprop with weight_decay is not supported';
      return new RMSprop({ ...base, rho: num('rho'), momentum: num('momentum'), epsilon: num('epsilon'), centered: c.centered === true });
    default:
      return `optimizer ${cls} is not supported (Adam, AdamW, SGD, RMSprop are)`;
  }
}

const LOSS_CLASSES: Record<string, string> = {
  BinaryCrossentropy: 'binaryCrossentropy',
  CategoricalCrossentropy: 'categoricalCrossentropy',
  SparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  MeanSquaredError: 'meanSquaredError',
  MeanAbsoluteError: 'meanAbsoluteError',
  Huber: 'huber',
};
/** The loss name if compile accepts it (lossFromString: Keras's snake_case names and short forms), else null. */
function knownLoss(name: string): string | null {
  try {
    return lossFromString(name);
  } catch {
    return null;
  }
}

function loss(spec: unknown): { loss: string; lossOptions: LossOptions } | string {
  // a plain name (Keras 2, and Keras 3 .h5), or Keras 3's serialized function { class_name: 'function', config: name }
  const name = typeof spec === 'string' ? spec : isObject(spec) && spec.class_name === 'function' && typeof spec.config === 'string' ? spec.config : null;
  if (name !== null) {
    const known = knownLoss(name);
    return known ? { loss: known, lossOptions: {} } : `loss ${name} is not supported`;
  }
  if (!isObject(spec) || typeof spec.class_name !== 'string' || !LOSS_CLASSES[spec.class_name]) return `loss ${JSON.stringify(spec)} is not supported`;
  const c = isObject(spec.config) ? spec.config : {};
  if (typeof c.label_smoothing === 'number' && c.label_smoothing !== 0) return `${spec.class_name} with label_smoothing is not supported`;
  if (c.reduction !== undefined && c.reduction !== null && c.reduction !== 'sum_over_batch_size' && c.reduction !== 'auto') return `${spec.class_name} with reduction ${String(c.reduction)} is not supported`;
  const lossOptions: LossOptions = {};
  if (c.from_logits === true) lossOptions.fromLogits = true;
  if (typeof c.delta === 'number') lossOptions.delta = c.delta;
  return { loss: LOSS_CLASSES[spec.class_name], lossOptions };
}

const METRIC_CLASSES: Record<string, string> = {
  BinaryAccuracy: 'binary_accuracy',
  CategoricalAccuracy: 'categorical_accuracy',
  SparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  MeanAbsoluteError: 'mae',
  MeanSquaredError: 'mse',
};
/** Metric names as compile takes them (checked by resolveMetric against the loss), or why not. */
function metrics(spec: unknown, loss: string): string[] | string {
  if (spec === null || spec === undefined) return [];
  if (!Array.isArray(spec)) return `metrics ${JSON.stringify(spec)} are not a list`;
  const out: string[] = [];
  for (const m of spec.flat()) {
    const name = typeof m === 'string' ? m : isObject(m) && typeof m.class_name === 'string' ? (METRIC_CLASSES[m.class_name] ?? m.class_name) : JSON.stringify(m);
    try {
      resolveMetric(name, lossFromString(loss));
    } catch {
      return `metric ${name} is not supported`;
    }
    out.push(name);
  }
  return out;
}

/** The compile options for Keras's training setup, or why there are none. */
export function compileOptions(setup: KerasTrainingSetup): CompileResult {
  const opt = optimizer(setup.optimizer);
  if (typeof opt === 'string') return { reason: opt };
  const l = loss(setup.loss);
  if (typeof l === 'string') return { reason: l };
  const m = metrics(setup.metrics, l.loss);
  if (typeof m === 'string') return { reason: m };
  return { options: { optimizer: opt, loss: l.loss, lossOptions: l.lossOptions, metrics: m } };
}
