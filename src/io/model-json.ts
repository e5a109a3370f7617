/**
 * A Sequential model as one JSON document: the layer configs (as getConfig
 * writes them), the input shape, the weights in Keras layout (base64 float32,
 * little-endian), free-form metadata and, for a compiled model, its training setup with the
 * optimizer's state (update count and slot buffers), so a loaded model trains on exactly where the
 * saved one stopped (as Keras's `include_optimizer`). Runs anywhere; file I/O is in model-file.ts.
 */
import type { BackendSpec } from '../kernels/backend.js';
import type { LossOptions } from '../losses/losses.js';
import { optimizerFromConfig } from '../optimizers/index.js';
import { layerFromConfig, type SerializedLayer } from '../layers/from-config.js';
import type { Shape } from '../layers/layer.js';
import { Sequential } from '../model/sequential.js';
import { Tensor, shapeSize } from '../tensor.js';
import { decodeFloat32, encodeFloat32 } from './base64.js';

export const MODEL_FORMAT = 'recurrent.sequential';
export const MODEL_FORMAT_VERSION = 1;

export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  name: string;
  inputShape: Shape;
  layers: SerializedLayer[];
  weights: { name: string; shape: number[]; data: string }[];
  metadata?: Record<string, unknown>;
  /** A compiled model's compile arguments and optimizer state (absent: the model loads uncompiled). */
  training?: TrainingJSON;
}

export interface TrainingJSON {
  /** The optimizer's name and getConfig(). */
  optimizer: { name: string; config: Record<string, unknown> };
  loss: string;
  lossOptions: LossOptions;
  metrics: string[];
  /** Update count and slot buffers (base64 float32), by slot name and variable index. */
  state: { iterations: number; slots: { name: string; index: number; length: number; data: string }[] };
}

/** `includeOptimizer` (default true): a compiled model's training setup and optimizer state go in too. */
export function modelToJSON(model: Sequential, metadata?: Record<string, unknown>, options: { includeOptimizer?: boolean } = {}): ModelJSON {
  const inputShape = model.modelInputShape;
  if (!inputShape) throw new Error(`${model.name}: only a built model can be saved (give the first layer an inputShape, or call the model once)`);
  return {
    format: MODEL_FORMAT,
    version: MODEL_FORMAT_VERSION,
    name: model.name,
    inputShape,
    layers: model.layers.map((l) => ({ className: l.className, config: l.getConfig() })),
    weights: model.layers.flatMap((l) => l.params.map((p) => ({ name: p.name, shape: [...p.shape], data: encodeFloat32(p.value) }))),
    ...(metadata ? { metadata } : {}),
    ...(options.includeOptimizer !== false && model.compileOptions ? { training: trainingToJSON(model) } : {}),
  };
}

function trainingToJSON(model: Sequential): TrainingJSON {
  const { optimizer, loss, lossOptions, metrics } = model.compileOptions!;
  const state = optimizer.getState();
  return {
    optimizer: { name: optimizer.name, config: optimizer.getConfig() },
    loss: String(loss),
    lossOptions,
    metrics,
    state: {
      iterations: state.iterations,
      slots: state.slots.map((s) => ({ name: s.name, index: s.index, length: s.values.length, data: encodeFloat32(s.values) })),
    },
  };
}

export function modelFromJSON(json: ModelJSON, options: { backend?: BackendSpec; seed?: number } = {}): Sequential {
  if (json?.format !== MODEL_FORMAT) throw new Error(`not a recurrent model file (format is ${JSON.stringify(json?.format)}, expected "${MODEL_FORMAT}")`);
  if (json.version > MODEL_FORMAT_VERSION) throw new Error(`model file version ${json.version} is newer than this library reads (${MODEL_FORMAT_VERSION})`);
  const model = new Sequential(json.layers.map(layerFromConfig), { name: json.name, backend: options.backend, seed: options.seed });
  model.build(json.inputShape);
  const weights = json.weights.map((w) => new Tensor(decodeFloat32(w.data, shapeSize(w.shape), `weight ${w.name}`), w.shape));
  model.setWeights(weights);
  if (json.training) {
    const t = json.training;
    const optimizer = optimizerFromConfig(t.optimizer.name, t.optimizer.config);
    optimizer.setState({
      iterations: t.state.iterations,
      slots: t.state.slots.map((s) => ({ name: s.name, index: s.index, values: decodeFloat32(s.data, s.length, `optimizer slot ${s.name}/${s.index}`) })),
    });
    model.compile({ optimizer, loss: t.loss, lossOptions: t.lossOptions, metrics: t.metrics });
  }
  return model;
}
