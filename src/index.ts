// recurrent — public API. Re-exports only; each concept lives in its own module.
export { Tensor, tensor, zeros, ones, type DType, type NestedArray, type TensorLike } from './tensor.js';
export { setSeed } from './random.js';
export * from './data/index.js';
