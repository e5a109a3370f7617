/**
 * A Sequential model as one JSON document: the layer configs (as getConfig
 * writes them), the input shape, the weights in Keras layout (base64 float32,
 * little-endian) and free-form metadata. Runs anywhere; file I/O is in model-file.ts.
 * Optimizer state is not included: a loaded model predicts, or trains from a fresh optimizer.
 */
import type { BackendSpec } from '../kernels/backend.js';
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
}

export function modelToJSON(model: Sequential, metadata?: Record<string, unknown>): ModelJSON {
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
  };
}

export function modelFromJSON(json: ModelJSON, options: { backend?: BackendSpec; seed?: number } = {}): Sequential {
  if (json?.format !== MODEL_FORMAT) throw new Error(`not a recurrent model file (format is ${JSON.stringify(json?.format)}, expected "${MODEL_FORMAT}")`);
  if (json.version > MODEL_FORMAT_VERSION) throw new Error(`model file version ${json.version} is newer than this library reads (${MODEL_FORMAT_VERSION})`);
  const model = new Sequential(json.layers.map(layerFromConfig), { name: json.name, backend: options.backend, seed: options.seed });
  model.build(json.inputShape);
  const weights = json.weights.map((w) => new Tensor(decodeFloat32(w.data, shapeSize(w.shape), `weight ${w.name}`), w.shape));
  model.setWeights(weights);
  return model;
}
