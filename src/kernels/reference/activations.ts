/**
 * Activation functions and their derivatives, Keras definitions.
 * Derivatives take both the input x and the output y so each can use the
 * cheaper one (sigmoid' = y(1-y), tanh' = 1-y²).
 */
import type { ActivationName } from '../kernels.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

export function activate(name: ActivationName, x: number): number {
  switch (name) {
    case 'linear':
      return x;
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'hardSigmoid': // Keras 3: relu6(x + 3) / 6
      return x <= -3 ? 0 : x >= 3 ? 1 : x / 6 + 0.5;
    case 'tanh':
      return Math.tanh(x);
    case 'relu':
      return x > 0 ? x : 0;
    case 'softplus':
      return x > 20 ? x : Math.log1p(Math.exp(x));
    case 'elu':
      return x > 0 ? x : Math.expm1(x);
    case 'selu':
      return x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x);
    case 'exponential':
      return Math.exp(x);
    case 'softmax':
      throw new Error('softmax is not elementwise; use activationForward');
  }
}

/** dy/dx at input x with output y. */
export function activationDerivative(name: ActivationName, x: number, y: number): number {
  switch (name) {
    case 'linear':
      return 1;
    case 'sigmoid':
      return y * (1 - y);
    case 'hardSigmoid':
      return x > -3 && x < 3 ? 1 / 6 : 0;
    case 'tanh':
      return 1 - y * y;
    case 'relu':
      return x > 0 ? 1 : 0;
    case 'softplus':
      return 1 / (1 + Math.exp(-x));
    case 'elu':
      return x > 0 ? 1 : y + 1;
    case 'selu':
      return x > 0 ? SELU_SCALE : y + SELU_SCALE * SELU_ALPHA;
    case 'exponential':
      return y;
    case 'softmax':
      throw new Error('softmax is not elementwise; use activationBackward');
  }
}

/** y = act(x) elementwise, or softmax over rows of length lastDim. */
export function activationForward(name: ActivationName, x: Float32Array, lastDim: number): Float32Array {
  const y = new Float32Array(x.length);
  if (name === 'softmax') {
    for (let r = 0; r < x.length; r += lastDim) {
      let max = -Infinity;
      for (let j = 0; j < lastDim; j++) max = Math.max(max, x[r + j]);
      let sum = 0;
      for (let j = 0; j < lastDim; j++) sum += y[r + j] = Math.exp(x[r + j] - max);
      for (let j = 0; j < lastDim; j++) y[r + j] /= sum;
    }
    return y;
  }
  for (let i = 0; i < x.length; i++) y[i] = activate(name, x[i]);
  return y;
}

export function activationBackward(name: ActivationName, x: Float32Array, y: Float32Array, dy: Float32Array, lastDim: number): Float32Array {
  const dx = new Float32Array(x.length);
  if (name === 'softmax') {
    // dx = y ⊙ (dy − Σ dy·y) over each row (the softmax Jacobian applied to dy)
    for (let r = 0; r < x.length; r += lastDim) {
      let dot = 0;
      for (let j = 0; j < lastDim; j++) dot += dy[r + j] * y[r + j];
      for (let j = 0; j < lastDim; j++) dx[r + j] = y[r + j] * (dy[r + j] - dot);
    }
    return dx;
  }
  if (name === 'linear') {
    dx.set(dy);
    return dx;
  }
  for (let i = 0; i < x.length; i++) dx[i] = dy[i] * activationDerivative(name, x[i], y[i]);
  return dx;
}
