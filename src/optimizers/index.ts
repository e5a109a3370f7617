// Optimizer factories with TensorFlow.js-style camelCase options: optimizers.adam({ learningRate: 1e-3 }).
import { Adam, AdamW, type AdamOptions, type AdamWOptions } from './adam.js';
import { Optimizer } from './optimizer.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';

export const sgd = (options?: SGDOptions): SGD => new SGD(options);
export const adam = (options?: AdamOptions): Adam => new Adam(options);
export const adamw = (options?: AdamWOptions): AdamW => new AdamW(options);
export const rmsprop = (options?: RMSpropOptions): RMSprop => new RMSprop(options);

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';

/** Resolves compile({ optimizer }) given a name or an instance. */
export function getOptimizer(spec: OptimizerName | Optimizer): Optimizer {
  if (spec instanceof Optimizer) return spec;
  switch (String(spec).toLowerCase()) {
    case 'sgd':
      return new SGD();
    case 'adam':
      return new Adam();
    case 'adamw':
      return new AdamW();
    case 'rmsprop':
      return new RMSprop();
    default:
      throw new Error(`unknown optimizer "${String(spec)}" (expected sgd, adam, adamw or rmsprop, or an optimizer object)`);
  }
}

export { Adam, AdamW, Optimizer, RMSprop, SGD };
export type { AdamOptions, AdamWOptions, RMSpropOptions, SGDOptions };
export type { OptimizerOptions, OptimizerState } from './optimizer.js';
