/**
 * loadKerasModel: a Sequential model saved by Keras, as
 *   - a legacy HDF5 file (`model.save('m.h5')`, Keras 2 and 3): the `model_config` attribute, and the
 *     weights under `model_weights/<layer name>`, listed in order by each group's `weight_names`;
 *   - a Keras 3 archive (`model.save('m.keras')`): a zip of `config.json` and `model.weights.h5`, whose
 *     weights sit under `layers/<path>/vars/<i>` (`.../cell/vars/<i>` for recurrent layers), each `vars`
 *     group naming its layer in a `name` attribute.
 * Weights keep Keras's layout here (gate blocks i|f|c|o and z|r|h, GRU bias [2, 3H] with reset_after),
 * so they are copied as they are. A file saved before its model was built holds no weights: as in
 * Keras, the model then starts from its initializers (`weightsLoaded: false`).
 */
import { readFile } from 'node:fs/promises';
import { unzipSync } from 'fflate';
import type { BackendSpec } from '../../kernels/backend.js';
import { layerFromConfig } from '../../layers/from-config.js';
import { Sequential } from '../../model/sequential.js';
import { Tensor } from '../../tensor.js';
import { compileOptions, type KerasTrainingSetup } from './compile.js';
import { restoreKerasOptimizerState } from './optimizer-state.js';
import { groupAt, openHdf5, readFloats, stringAttr, stringListAttr, type Group } from './hdf5.js';
import { convertLayer, declaredInputShape, type ConversionNotes, type ConvertedLayer, type KerasLayerJSON } from './layers.js';

export interface KerasImport {
  model: Sequential;
  /** The Keras version that saved the file, when it says. */
  kerasVersion: string | null;
  /** False when the file holds no weights (saved before the model was built): the model has its initial weights. */
  weightsLoaded: boolean;
  /**
   * True when the file's training setup (optimizer, loss, metrics) was applied with `compile`, as
   * `keras.models.load_model` does; a setup that cannot be reproduced exactly is listed in `ignored`.
   */
  compiled: boolean;
  /** What is not carried over: regularizers and constraints (they only affect further training), a training setup. */
  ignored: string[];
}

interface KerasModelJSON {
  class_name: string;
  config: { name?: string; layers?: KerasLayerJSON[] } | KerasLayerJSON[];
  /** Keras 3, a built model: the shape it was built with (batch dimension first). */
  build_config?: { input_shape?: (number | null)[] };
  /** Keras 3 (.keras): the arguments of compile. */
  compile_config?: KerasTrainingSetup | null;
}

/** Weights of one layer in Keras order, or null when the file has none for it. */
type WeightSource = (layerName: string, count: number) => { data: Float32Array; shape: number[] }[] | null;

const HDF5_MAGIC = [0x89, 0x48, 0x44, 0x46]; // \x89HDF
const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04]; // PK\3\4

const startsWith = (b: Uint8Array, magic: number[]): boolean => magic.every((m, i) => b[i] === m);

export async function loadKerasModel(source: string | Uint8Array, options: { backend?: BackendSpec; seed?: number } = {}): Promise<KerasImport> {
  const name = typeof source === 'string' ? source : 'Keras model bytes';
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      bytes = await readFile(source);
    } catch (err) {
      throw new Error(`loadKerasModel: cannot read ${source}: ${(err as Error).message}`);
    }
  } else bytes = source;
  if (startsWith(bytes, ZIP_MAGIC)) return fromKerasArchive(bytes, name, options);
  if (startsWith(bytes, HDF5_MAGIC)) return fromLegacyHdf5(bytes, name, options);
  throw new Error(`${name}: neither a Keras .keras archive (zip) nor a Keras .h5 file (HDF5)`);
}

function fromLegacyHdf5(bytes: Uint8Array, source: string, options: { backend?: BackendSpec; seed?: number }): KerasImport {
  const file = openHdf5(bytes, source);
  const configText = stringAttr(file, 'model_config');
  if (!configText) throw new Error(`${source}: no model_config attribute (a weights-only file from save_weights has no architecture)`);
  const kerasVersion = stringAttr(file, 'keras_version');
  const weights = groupAt(file, 'model_weights') ?? file;
  const paths = new Map<string, string[]>(); // layer name → its weights' Keras paths (names the optimizer state by)
  const weightsOf: WeightSource = (layerName, count) => {
    const g = groupAt(weights, layerName);
    if (!g) return null;
    const names = stringListAttr(g, 'weight_names');
    if (names.length === 0 && count > 0) return null;
    if (names.length !== count) throw new Error(`${source}: layer ${layerName} has ${names.length} weights in the file, expected ${count}`);
    paths.set(layerName, names.map((n) => n.replace(/:0$/, '')));
    return names.map((n) => readFloats(g, n, source));
  };
  const training = stringAttr(file, 'training_config');
  const t = training ? (parseJSON(training, source) as { optimizer_config?: unknown; loss?: unknown; metrics?: unknown }) : null;
  const setup = t ? { optimizer: t.optimizer_config, loss: t.loss, metrics: t.metrics } : null;
  const result = build(parseJSON(configText, source), kerasVersion, weightsOf, setup, source, options);
  const optimizer = result.model.optimizer;
  if (optimizer && result.weightsLoaded) {
    const why = restoreKerasOptimizerState(file, optimizer, result.model.layers.flatMap((l) => paths.get(l.name) ?? []), source);
    if (why) result.ignored.push(why);
  }
  return result;
}

function fromKerasArchive(bytes: Uint8Array, source: string, options: { backend?: BackendSpec; seed?: number }): KerasImport {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, { filter: (f) => f.name === 'config.json' || f.name === 'metadata.json' || f.name === 'model.weights.h5' });
  } catch (err) {
    throw new Error(`${source}: not a readable .keras archive (${(err as Error).message})`);
  }
  if (!files['config.json']) throw new Error(`${source}: the archive has no config.json`);
  const decode = (b: Uint8Array): string => new TextDecoder().decode(b);
  const metadata = files['metadata.json'] ? (parseJSON(decode(files['metadata.json']), source) as { keras_version?: string }) : {};
  const vars = new Map<string, Group[]>(); // layer name → the groups holding its vars, in weight order
  if (files['model.weights.h5']) {
    const h5 = openHdf5(files['model.weights.h5'], `${source}/model.weights.h5`);
    // a recurrent layer keeps its weights on its cell (<path>/cell/vars), others in <path>/vars
    const varsOf = (path: string): Group | null => {
      const cell = groupAt(h5, `${path}/cell/vars`);
      return cell && cell.keys.length > 0 ? cell : groupAt(h5, `${path}/vars`);
    };
    for (const key of groupAt(h5, 'layers')?.keys ?? []) {
      const path = `layers/${key}`;
      const own = groupAt(h5, `${path}/vars`);
      const layerName = own && stringAttr(own, 'name');
      if (!layerName) continue;
      // Bidirectional: the forward layer's weights, then the backward layer's
      const parts = groupAt(h5, `${path}/forward_layer`) ? [varsOf(`${path}/forward_layer`), varsOf(`${path}/backward_layer`)] : [varsOf(path)];
      vars.set(layerName, parts.filter((g): g is Group => g !== null));
    }
  }
  const weightsOf: WeightSource = (layerName, count) => {
    const groups = vars.get(layerName) ?? [];
    const n = groups.reduce((k, g) => k + g.keys.length, 0);
    if (n === 0) return null;
    if (n !== count) throw new Error(`${source}: layer ${layerName} has ${n} weights in the file, expected ${count}`);
    return groups.flatMap((g) => Array.from({ length: g.keys.length }, (_, i) => readFloats(g, String(i), source)));
  };
  const config = parseJSON(decode(files['config.json']), source) as KerasModelJSON;
  return build(config, metadata.keras_version ?? null, weightsOf, config?.compile_config ?? null, source, options);
}

function parseJSON(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new Error(`${source}: the model config is not valid JSON (${(err as Error).message})`);
  }
}

function build(
  configJSON: unknown,
  kerasVersion: string | null,
  weightsOf: WeightSource,
  setup: KerasTrainingSetup | null,
  source: string,
  options: { backend?: BackendSpec; seed?: number },
): KerasImport {
  const cfg = configJSON as KerasModelJSON;
  if (cfg?.class_name !== 'Sequential') throw new Error(`${source}: a ${cfg?.class_name ?? 'non-Keras'} model; only Sequential models can be imported`);
  const kerasLayers = Array.isArray(cfg.config) ? cfg.config : (cfg.config?.layers ?? []);
  const modelName = (!Array.isArray(cfg.config) && cfg.config?.name) || 'sequential';
  const notes: ConversionNotes = { ignored: [], unknownInitializers: [], kerasMajor: Number((kerasVersion ?? '3').split('.')[0]) || 3 };
  let inputShape = kerasLayers.length > 0 ? declaredInputShape(kerasLayers[0]) : null;
  if (!inputShape && Array.isArray(cfg.build_config?.input_shape)) inputShape = cfg.build_config.input_shape.slice(1);
  const converted: ConvertedLayer[] = [];
  for (const k of kerasLayers) {
    const c = convertLayer(k, notes);
    if (c) converted.push(c);
    else inputShape ??= declaredInputShape(k);
  }
  if (converted.length === 0) throw new Error(`${source}: the model has no layers`);
  const model = new Sequential(
    converted.map((c) => layerFromConfig(c.layer)),
    { name: modelName, backend: options.backend, seed: options.seed },
  );
  model.build([null, ...(inputShape ?? [null])]);
  const loaded = converted.map((c) => (c.weightCount === 0 ? [] : weightsOf(c.layer.config.name, c.weightCount)));
  const withWeights = converted.filter((c, i) => c.weightCount > 0 && loaded[i] !== null).length;
  const needing = converted.filter((c) => c.weightCount > 0).length;
  if (withWeights > 0 && withWeights < needing) {
    const missing = converted.filter((c, i) => c.weightCount > 0 && loaded[i] === null).map((c) => c.layer.config.name);
    throw new Error(`${source}: no weights for layer(s) ${missing.join(', ')} while the others have theirs`);
  }
  if (withWeights === 0 && notes.unknownInitializers.length > 0) {
    throw new Error(`${source}: the file holds no weights and these initializers are not supported here: ${notes.unknownInitializers.join(', ')}`);
  }
  if (withWeights > 0) {
    const tensors: Tensor[] = [];
    model.layers.forEach((layer, i) => {
      const ws = loaded[i] ?? [];
      layer.params.forEach((p, j) => {
        const w = ws[j];
        if (w.shape.length !== p.shape.length || w.shape.some((d, k) => d !== p.shape[k])) {
          throw new Error(`${source}: layer ${layer.name} weight ${p.name} has shape [${w.shape.join(', ')}] in the file, expected [${p.shape.join(', ')}]`);
        }
        tensors.push(new Tensor(w.data, [...p.shape]));
      });
    });
    model.setWeights(tensors);
  }
  let compiled = false;
  if (setup) {
    const c = compileOptions(setup);
    if ('options' in c) {
      model.compile(c.options);
      compiled = true;
    } else notes.ignored.push(`training setup: ${c.reason}`);
  }
  return { model, kerasVersion, weightsLoaded: withWeights > 0, compiled, ignored: notes.ignored };
}
