// The runtime-independent public API (Node and browsers): tensors, layers, models, optimizers, backends.
export { Tensor, tensor, zeros, ones, type DType, type NestedArray, type TensorLike } from './tensor.js';
export { Random, setSeed } from './random.js';
export * as layers from './layers/index.js';
export * as optimizers from './optimizers/index.js';
export { Sequential, History, NonFiniteLossError, type SequentialOptions, type CompileOptions, type Callback, type Logs, type FitOptions } from './model/index.js';
export { computeLoss, type LossName, type LossOptions } from './losses/losses.js';
export type { MetricName } from './metrics/metrics.js';
export { initialize, type InitializerConfig, type InitializerName } from './initializers/initializers.js';
export { resolveBackend, createWasmKernels, precompileWasm, wasmSimdSupported, type BackendName, type BackendSpec, type WasmKernels, type WasmKernelsOptions } from './kernels/backend.js';
export type { Kernels, ActivationName } from './kernels/kernels.js';
export { referenceKernels } from './kernels/reference/index.js';
export { modelToJSON, modelFromJSON, type ModelJSON } from './io/model-json.js';
