/**
 * Metrics, Keras definitions. `accuracy` resolves to binary, categorical or
 * sparse-categorical accuracy from the loss, as Keras' compile does.
 * Each returns the sum over samples (rows); the training loop averages.
 */
import type { LossName } from '../losses/losses.js';

export type MetricName = 'accuracy' | 'binaryAccuracy' | 'categoricalAccuracy' | 'sparseCategoricalAccuracy' | 'mae' | 'mse';

export type ResolvedMetric = Exclude<MetricName, 'accuracy'>;

export function resolveMetric(name: string, loss: LossName): { key: string; metric: ResolvedMetric } {
  switch (name) {
    case 'accuracy':
    case 'acc':
      return {
        key: 'accuracy',
        metric: loss === 'binaryCrossentropy' ? 'binaryAccuracy' : loss === 'sparseCategoricalCrossentropy' ? 'sparseCategoricalAccuracy' : loss === 'categoricalCrossentropy' ? 'categoricalAccuracy' : 'binaryAccuracy',
      };
    case 'binaryAccuracy':
    case 'binary_accuracy':
      return { key: 'binary_accuracy', metric: 'binaryAccuracy' };
    case 'categoricalAccuracy':
    case 'categorical_accuracy':
      return { key: 'categorical_accuracy', metric: 'categoricalAccuracy' };
    case 'sparseCategoricalAccuracy':
    case 'sparse_categorical_accuracy':
      return { key: 'sparse_categorical_accuracy', metric: 'sparseCategoricalAccuracy' };
    case 'mae':
    case 'meanAbsoluteError':
    case 'mean_absolute_error':
      return { key: 'mae', metric: 'mae' };
    case 'mse':
    case 'meanSquaredError':
    case 'mean_squared_error':
      return { key: 'mse', metric: 'mse' };
    default:
      throw new Error(`unknown metric "${name}" (expected accuracy, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, mae or mse)`);
  }
}

/** Sum of the metric over rows, and the number of rows it covers. */
export function metricSum(metric: ResolvedMetric, yPred: Float32Array, yTrue: ArrayLike<number>, C: number): { sum: number; count: number } {
  const rows = yPred.length / C;
  let sum = 0;
  switch (metric) {
    case 'binaryAccuracy':
      for (let i = 0; i < yPred.length; i++) sum += (yPred[i] > 0.5 ? 1 : 0) === (yTrue[i] > 0.5 ? 1 : 0) ? 1 : 0;
      return { sum, count: yPred.length };
    case 'categoricalAccuracy':
    case 'sparseCategoricalAccuracy':
      for (let r = 0; r < rows; r++) {
        let best = 0;
        for (let j = 1; j < C; j++) if (yPred[r * C + j] > yPred[r * C + best]) best = j;
        let truth: number;
        if (metric === 'sparseCategoricalAccuracy') truth = yTrue[r];
        else {
          truth = 0;
          for (let j = 1; j < C; j++) if (yTrue[r * C + j] > yTrue[r * C + truth]) truth = j;
        }
        sum += best === truth ? 1 : 0;
      }
      return { sum, count: rows };
    case 'mae':
      for (let i = 0; i < yPred.length; i++) sum += Math.abs(yPred[i] - yTrue[i]);
      return { sum: sum / C, count: rows };
    case 'mse':
      for (let i = 0; i < yPred.length; i++) sum += (yPred[i] - yTrue[i]) ** 2;
      return { sum: sum / C, count: rows };
  }
}
