/**
 * Checks targets against model outputs before any math, so that a shape
 * mistake gets a message that says what to change.
 */
import type { LossName } from '../losses/losses.js';
import { Tensor, formatShape } from '../tensor.js';

/** Returns the target values as a flat array laid out like the predictions (or class ids for sparse CE). */
export function checkTargets(yTrue: Tensor, outputShape: readonly number[], loss: LossName, layerHint: string): Float32Array | Int32Array {
  const out = outputShape;
  const y = yTrue.shape;
  const rows = out.slice(0, -1).reduce((a, b) => a * b, 1);
  const C = out[out.length - 1];
  if (y[0] !== out[0]) throw new Error(`targets have ${y[0]} samples but inputs have ${out[0]}`);
  if (loss === 'sparseCategoricalCrossentropy') {
    if (yTrue.size === rows && (y.length === out.length - 1 || (y.length === out.length && y[y.length - 1] === 1))) return yTrue.data;
    throw new Error(`sparseCategoricalCrossentropy expects one class index per output row: targets of shape ${formatShape(out.slice(0, -1))}, got ${formatShape([...y])} for model output ${formatShape([...out])}`);
  }
  const same = y.length === out.length && y.every((d, i) => d === out[i]);
  const squeezed = y.length === out.length - 1 && C === 1 && y.every((d, i) => d === out[i]); // [B] against [B, 1]
  if (same || squeezed) return yTrue.data;
  let hint = '';
  if (out.length === 3 && y.length <= 2) {
    hint = ` The model outputs one prediction per time step: ${layerHint} has returnSequences: true. Set returnSequences: false on the last recurrent layer to predict one value per sequence.`;
  } else if (loss === 'categoricalCrossentropy' && y.length === out.length - 1) {
    hint = ' Targets look like class indices: use loss "sparseCategoricalCrossentropy", or one-hot encode them.';
  }
  throw new Error(`target shape ${formatShape([...y])} does not match model output shape ${formatShape([...out])}.${hint}`);
}
