/**
 * The optimizer state in a Keras 3 `.h5` file (`optimizer_weights`: `<optimizer>/iteration`,
 * `<optimizer>/learning_rate`, and per variable `<optimizer>/<variable path with / as _>_<slot>`),
 * restored into the compiled model's optimizer, so training resumes where Keras stopped.
 * The file holds the slots its optimizer used, and the compile config it came with built an
 * optimizer of the same kind and settings, so every slot present is restored under its name here.
 */
import type { Optimizer, OptimizerState } from '../../optimizers/index.js';
import { groupAt, readFloats, readScalar, stringListAttr, type Group } from './hdf5.js';

/** Keras slot names → this library's, per optimizer (Optimizer.slot names). */
const SLOT_NAMES: Record<string, Record<string, string>> = {
  adam: { momentum: 'm', velocity: 'v' },
  adamw: { momentum: 'm', velocity: 'v' },
  sgd: { momentum: 'momentum' },
  rmsprop: { velocity: 'velocity', momentum: 'momentum', average_gradient: 'averageGradient' },
};

/**
 * Restores the state for the variables with Keras paths `paths` (in the model's parameter order).
 * Returns null when done or when the file has no optimizer state, else why it was not restored.
 */
export function restoreKerasOptimizerState(file: Group, optimizer: Optimizer, paths: string[], source: string): string | null {
  const g = groupAt(file, 'optimizer_weights');
  if (!g) return null;
  const names = new Set(stringListAttr(g, 'weight_names'));
  const iterationName = [...names].find((n) => n.endsWith('/iteration'));
  if (!iterationName) return 'optimizer state: no iteration count (a Keras 2 file?)';
  const prefix = iterationName.slice(0, -'iteration'.length);
  const slots: OptimizerState['slots'] = [];
  for (const [index, path] of paths.entries()) {
    for (const [keras, ours] of Object.entries(SLOT_NAMES[optimizer.name] ?? {})) {
      const name = `${prefix}${path.replaceAll('/', '_')}_${keras}`;
      if (names.has(name)) slots.push({ name: ours, index, values: readFloats(g, name, source).data });
    }
  }
  // slot entries that name no variable of the model: the state belongs to other variables
  const others = [...names].filter((n) => n !== iterationName && n !== `${prefix}learning_rate`).length - slots.length;
  if (others > 0) return `optimizer state: ${others} entries do not match the model's variables`;
  optimizer.setState({ iterations: readScalar(g, iterationName, source), slots });
  if (names.has(`${prefix}learning_rate`)) optimizer.learningRate = readScalar(g, `${prefix}learning_rate`, source);
  return null;
}
