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

const FACTORIES: Record<OptimizerName, (options: Record<string, unknown>) => Optimizer> = { sgd, adam, adamw, rmsprop };

/**
 * An optimizer from its name and options (as getConfig writes them: its `name` key and null
 * values, meaning "not set", are ignored).
 */
export function optimizerFromConfig(name: string, config: Record<string, unknown> = {}): Optimizer {
  const make = FACTORIES[name.toLowerCase() as OptimizerName];
  if (!make) throw new Error(`unknown optimizer "${name}" (expected sgd, adam, adamw or rmsprop, or an optimizer object)`);
  return make(Object.fromEntries(Object.entries(config).filter(([k, v]) => v !== null && k !== 'name')));
}

/** Resolves compile({ optimizer }) given a name or an instance. */
export function getOptimizer(spec: OptimizerName | Optimizer): Optimizer {
  return spec instanceof Optimizer ? spec : optimizerFromConfig(String(spec));
}

export { Adam, AdamW, Optimizer, RMSprop, SGD };
export type { AdamOptions, AdamWOptions, RMSpropOptions, SGDOptions };
export type { OptimizerOptions, OptimizerState } from './optimizer.js';
