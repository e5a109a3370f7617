/**
 * Optimizer core. Parameters and gradients arrive as per-variable views of
 * the model's flat buffers; clipping follows Keras (clipnorm per variable,
 * clipvalue elementwise, globalClipnorm over all gradients), then each
 * optimizer applies its update rule.
 */
import type { Kernels } from '../kernels/kernels.js';

export interface OptimizerOptions {
  learningRate?: number;
  /** Clip each variable's gradient to this L2 norm. */
  clipnorm?: number;
  /** Clip each gradient element to [−clipvalue, clipvalue]. */
  clipvalue?: number;
  /** Clip all gradients together to this global L2 norm. */
  globalClipnorm?: number;
}

export interface Variable {
  value: Float32Array;
  grad: Float32Array;
}

/** An optimizer's state: its update count and its slot buffers (momentum etc.), per slot name and variable index. */
export interface OptimizerState {
  iterations: number;
  slots: { name: string; index: number; values: Float32Array }[];
}

export abstract class Optimizer {
  abstract readonly name: string;
  learningRate: number;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  /** Number of updates applied so far (Keras `iterations`). */
  iterations = 0;

  constructor(options: OptimizerOptions, defaultLearningRate: number) {
    this.learningRate = options.learningRate ?? defaultLearningRate;
    this.clipnorm = options.clipnorm ?? null;
    this.clipvalue = options.clipvalue ?? null;
    this.globalClipnorm = options.globalClipnorm ?? null;
    if ([this.clipnorm, this.clipvalue, this.globalClipnorm].filter((v) => v !== null).length > 1) {
      throw new Error('optimizer: use only one of clipnorm, clipvalue and globalClipnorm');
    }
    if (!(this.learningRate > 0)) throw new Error(`optimizer: learningRate must be positive, got ${this.learningRate}`);
  }

  /** Applies one update to every variable (gradients are clipped in place first). */
  apply(variables: Variable[], kernels: Kernels): void {
    this.clip(variables);
    this.iterations++;
    variables.forEach((v, i) => this.update(v, i, kernels));
  }

  protected abstract update(v: Variable, index: number, kernels: Kernels): void;

  private clip(variables: Variable[]): void {
    if (this.clipvalue !== null) {
      const c = this.clipvalue;
      for (const { grad } of variables) for (let i = 0; i < grad.length; i++) grad[i] = Math.min(Math.max(grad[i], -c), c);
    } else if (this.clipnorm !== null) {
      for (const { grad } of variables) scaleToNorm(grad, l2(grad), this.clipnorm);
    } else if (this.globalClipnorm !== null) {
      const norm = Math.sqrt(variables.reduce((s, v) => s + l2(v.grad) ** 2, 0));
      for (const { grad } of variables) scaleToNorm(grad, norm, this.globalClipnorm);
    }
  }

  /**
   * Per-variable slot buffers (momentum etc.), created on first use; from the backend's
   * persistent storage when given kernels that offer it, so its update kernel works in place.
   * Each slot's record owns its storage: a slot replaced by one of another length (the optimizer
   * reused for other variables) releases its block once the record is collected, not with the optimizer.
   */
  private slots = new Map<string, { values: Float32Array }[]>();
  /** Slot values from setState, copied into a slot when it is created (in the backend's storage). */
  private restored = new Map<string, Float32Array>();
  protected slot(name: string, index: number, length: number, kernels?: Kernels): Float32Array {
    let list = this.slots.get(name);
    if (!list) this.slots.set(name, (list = []));
    let s = list[index];
    if (!s || s.values.length !== length) {
      const record: { values: Float32Array } = { values: new Float32Array(0) };
      record.values = kernels?.persistentFloats?.(length, [record]) ?? new Float32Array(length);
      const saved = this.restored.get(`${name}/${index}`);
      if (saved) {
        if (saved.length !== length) throw new Error(`${this.name}: restored slot ${name} of variable ${index} has ${saved.length} values, the variable ${length}`);
        record.values.set(saved);
        this.restored.delete(`${name}/${index}`);
      }
      s = list[index] = record;
    }
    return s.values;
  }

  /** A copy of the state (update count and slot buffers), e.g. to save it with the model. */
  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = [];
    for (const [name, list] of this.slots) list.forEach((s, index) => s && slots.push({ name, index, values: s.values.slice() }));
    for (const [key, values] of this.restored) {
      const cut = key.lastIndexOf('/');
      slots.push({ name: key.slice(0, cut), index: Number(key.slice(cut + 1)), values: values.slice() });
    }
    return { iterations: this.iterations, slots };
  }

  /**
   * Continues from a saved state: the update count now, the slot buffers when the variables are
   * next updated (before any update: this optimizer's slots are replaced).
   */
  setState(state: OptimizerState): void {
    if (!Number.isInteger(state.iterations) || state.iterations < 0) throw new Error(`${this.name}: iterations must be a non-negative integer, got ${state.iterations}`);
    this.iterations = state.iterations;
    this.slots.clear();
    this.restored = new Map(state.slots.map((s) => [`${s.name}/${s.index}`, s.values.slice()]));
  }

  getConfig(): Record<string, unknown> {
    return { name: this.name, learningRate: this.learningRate, clipnorm: this.clipnorm, clipvalue: this.clipvalue, globalClipnorm: this.globalClipnorm };
  }
}

function l2(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

function scaleToNorm(g: Float32Array, norm: number, max: number): void {
  if (norm <= max || norm === 0) return;
  const f = max / norm;
  for (let i = 0; i < g.length; i++) g[i] *= f;
}
