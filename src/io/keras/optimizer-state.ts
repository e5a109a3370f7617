/**
 * The optimizer state in a Keras 3 `.h5` file (`optimizer_weights`: `<optimizer>/iteration`,
 * `<optimizer>/learning_rate`, and per variable `<optimizer>/<variable path with / as _>_<slot>`),
 * restored into the compiled model's optimizer, so training resumes where Keras stopped.
 */
import type { Optimizer } from '../../optimizers/index.js';
import type { OptimizerState } from '../../optimizers/optimizer.js';
import { groupAt, readFloats, readScalar, stringListAttr, type Group } from './hdf5.js';

/** Keras slot names → this library's, per optimizer; a slot is needed only when the optimizer uses it. */
function slotsUsed(optimizer: Optimizer): [keras: string, ours: string][] {
  const c = optimizer.getConfig();
  switch (optimizer.name) {
    case 'adam':
    case 'adamw':
      return [['momentum', 'm'], ['velocity', 'v']];
    case 'sgd':
      return (c.momentum as number) > 0 ? [['momentum', 'momentum']] : [];
    case 'rmsprop':
      return [['velocity', 'velocity'], ...(c.centered ? ([['average_gradient', 'averageGradient']] as [string, string][]) : []), ...((c.momentum as number) > 0 ? ([['momentum', 'momentum']] as [string, string][]) : [])];
    default:
      return [];
  }
}

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
    for (const [keras, ours] of slotsUsed(optimizer)) {
      const name = `${prefix}${path.replaceAll('/', '_')}_${keras}`;
      if (!names.has(name)) return `optimizer state: no ${keras} for ${path}`;
      slots.push({ name: ours, index, values: readFloats(g, name, source).data });
    }
  }
  optimizer.setState({ iterations: readScalar(g, iterationName, source), slots });
  if (names.has(`${prefix}learning_rate`)) optimizer.learningRate = readScalar(g, `${prefix}learning_rate`, source);
  return null;
}
