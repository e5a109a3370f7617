/**
 * Losses with Keras definitions and reduction ("sum over batch size"): the
 * per-sample loss is reduced over the last axis (mean, or sum for the
 * categorical cross-entropies), then averaged over all remaining positions.
 * Each returns the scalar loss and its gradient w.r.t. the predictions.
 */

export type LossName =
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy'
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'huber';

export interface LossOptions {
  /** Predictions are logits rather than probabilities (cross-entropies). */
  fromLogits?: boolean;
  /** Huber threshold, default 1. */
  delta?: number;
}

export interface LossResult {
  loss: number;
  /** d loss / d prediction, same length as the predictions. */
  grad: Float32Array;
}

/** Keras' backend epsilon: probabilities are clipped to [ε, 1−ε]. */
export const EPSILON = 1e-7;

/**
 * @param yPred predictions [..., C] flattened
 * @param yTrue targets: same size, or one class index per row for sparse CE
 * @param C     size of the last axis of the predictions
 */
export function computeLoss(name: LossName, yPred: Float32Array, yTrue: ArrayLike<number>, C: number, options: LossOptions = {}): LossResult {
  const n = yPred.length;
  const rows = n / C;
  const grad = new Float32Array(n);
  let total = 0;
  switch (name) {
    case 'binaryCrossentropy': {
      for (let i = 0; i < n; i++) {
        const y = yTrue[i];
        if (options.fromLogits) {
          // max(z,0) − z·y + log(1 + e^−|z|): stable for any logit
          const z = yPred[i];
          total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
          grad[i] = 1 / (1 + Math.exp(-z)) - y;
        } else {
          const raw = yPred[i];
          const p = Math.min(Math.max(raw, EPSILON), 1 - EPSILON);
          total += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
          grad[i] = raw > EPSILON && raw < 1 - EPSILON ? (p - y) / (p * (1 - p)) : 0;
        }
      }
      for (let i = 0; i < n; i++) grad[i] /= n;
      return { loss: total / n, grad };
    }
    case 'categoricalCrossentropy':
    case 'sparseCategoricalCrossentropy': {
      const sparse = name === 'sparseCategoricalCrossentropy';
      for (let r = 0; r < rows; r++) {
        const o = r * C;
        if (sparse) {
          const cls = yTrue[r];
          if (!Number.isInteger(cls) || cls < 0 || cls >= C) throw new Error(`sparseCategoricalCrossentropy: label ${cls} in row ${r} is not a class index in [0, ${C})`);
        }
        const target = (j: number): number => (sparse ? (j === yTrue[r] ? 1 : 0) : yTrue[o + j]);
        if (options.fromLogits) {
          let max = -Infinity;
          for (let j = 0; j < C; j++) max = Math.max(max, yPred[o + j]);
          let sum = 0;
          for (let j = 0; j < C; j++) sum += Math.exp(yPred[o + j] - max);
          const logSum = max + Math.log(sum);
          let tsum = 0;
          for (let j = 0; j < C; j++) {
            const t = target(j);
            tsum += t;
            total -= t * (yPred[o + j] - logSum);
          }
          for (let j = 0; j < C; j++) grad[o + j] = (Math.exp(yPred[o + j] - logSum) * tsum - target(j)) / rows;
        } else {
          // Keras: renormalise rows to sum 1, clip to [ε, 1−ε], −Σ y log p
          let sum = 0;
          for (let j = 0; j < C; j++) sum += yPred[o + j];
          for (let j = 0; j < C; j++) {
            const t = target(j);
            const q = yPred[o + j] / sum;
            const p = Math.min(Math.max(q, EPSILON), 1 - EPSILON);
            total -= t * Math.log(p);
            // d/dp_j of −Σ_k t_k log(p_k / Σp) = −t_j/p_j + (Σ_k t_k)/Σp, over the unclipped k
            grad[o + j] = q > EPSILON && q < 1 - EPSILON ? -t / (q * sum) : 0;
          }
          // Σ_k t_k/Σp over the unclipped k only: a clipped log(p_k) is constant (zero gradient, as tf.clip_by_value).
          let tsum = 0;
          for (let j = 0; j < C; j++) {
            const q = yPred[o + j] / sum;
            if (q > EPSILON && q < 1 - EPSILON) tsum += target(j);
          }
          for (let j = 0; j < C; j++) grad[o + j] = (grad[o + j] + tsum / sum) / rows;
        }
      }
      return { loss: total / rows, grad };
    }
    case 'meanSquaredError':
      for (let i = 0; i < n; i++) {
        const d = yPred[i] - yTrue[i];
        total += d * d;
        grad[i] = (2 * d) / n;
      }
      return { loss: total / n, grad };
    case 'meanAbsoluteError':
      for (let i = 0; i < n; i++) {
        const d = yPred[i] - yTrue[i];
        total += Math.abs(d);
        grad[i] = Math.sign(d) / n;
      }
      return { loss: total / n, grad };
    case 'huber': {
      const delta = options.delta ?? 1;
      for (let i = 0; i < n; i++) {
        const d = yPred[i] - yTrue[i];
        const a = Math.abs(d);
        total += a <= delta ? 0.5 * d * d : delta * a - 0.5 * delta * delta;
        grad[i] = (a <= delta ? d : delta * Math.sign(d)) / n;
      }
      return { loss: total / n, grad };
    }
  }
}

export function isLossName(s: string): s is LossName {
  return ['binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'meanSquaredError', 'meanAbsoluteError', 'huber'].includes(s);
}

/** Keras aliases accepted in compile(): snake_case names and short forms. */
export function lossFromString(s: string): LossName {
  const aliases: Record<string, LossName> = {
    binary_crossentropy: 'binaryCrossentropy',
    categorical_crossentropy: 'categoricalCrossentropy',
    sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
    mean_squared_error: 'meanSquaredError',
    mse: 'meanSquaredError',
    mean_absolute_error: 'meanAbsoluteError',
    mae: 'meanAbsoluteError',
    huber_loss: 'huber',
  };
  const name = isLossName(s) ? s : aliases[s];
  if (!name) throw new Error(`unknown loss "${s}"`);
  return name;
}
