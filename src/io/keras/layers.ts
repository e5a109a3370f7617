/**
 * Keras layer configs (as Keras saves them: snake_case keys, class names, serialized
 * initializers) → this library's layer configs. Only what changes a layer's computation or its
 * initial weights is carried over; a setting this library does not have is an error when it would
 * change the outputs, and is listed in `ignored` when it only matters for further training.
 */
import type { InitializerConfig } from '../../initializers/initializers.js';
import type { ActivationName } from '../../kernels/kernels.js';
import type { SerializedLayer } from '../../layers/from-config.js';
import type { LayerConfig } from '../../layers/layer.js';

/** One layer of a Keras Sequential config: `{ class_name, config }` (Keras 3 adds `module`, `registered_name`). */
export interface KerasLayerJSON {
  class_name: string;
  config: Record<string, unknown>;
}

export interface ConvertedLayer {
  layer: SerializedLayer;
  /** Keras's weight order for the layer; the same order and layout as this library's parameters. */
  weightCount: number;
}

/** What conversion noticed but could not carry over (regularizers, constraints: training-time settings). */
export interface ConversionNotes {
  ignored: string[];
  /** Initializers this library does not have: harmless when the file holds the weights, an error otherwise. */
  unknownInitializers: string[];
  /** The Keras major version that wrote the file (2 or 3): hard_sigmoid differs between them. */
  kerasMajor: number;
}

const ACTIVATIONS: Record<string, ActivationName> = {
  linear: 'linear',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  relu: 'relu',
  softmax: 'softmax',
  softplus: 'softplus',
  elu: 'elu',
  selu: 'selu',
  exponential: 'exponential',
  hard_sigmoid: 'hardSigmoid',
};

function activation(layer: string, key: string, value: unknown, notes: ConversionNotes): ActivationName {
  const name = value ?? 'linear';
  const ours = typeof name === 'string' ? ACTIVATIONS[name] : undefined;
  if (!ours) throw new Error(`Keras layer ${layer}: ${key} ${JSON.stringify(name)} is not supported (supported: ${Object.keys(ACTIVATIONS).join(', ')})`);
  // Keras 3's hard_sigmoid is relu6(x + 3) / 6 (this library's); Keras 2's was clip(0.2x + 0.5, 0, 1)
  if (ours === 'hardSigmoid' && notes.kerasMajor < 3) throw new Error(`Keras layer ${layer}: Keras ${notes.kerasMajor}'s hard_sigmoid (0.2x + 0.5) differs from this library's (x/6 + 0.5, as in Keras 3)`);
  return ours;
}

const SIMPLE_INITIALIZERS: Record<string, InitializerConfig> = {
  GlorotUniform: 'glorotUniform',
  GlorotNormal: 'glorotNormal',
  HeUniform: 'heUniform',
  HeNormal: 'heNormal',
  Zeros: 'zeros',
  Ones: 'ones',
};

function initializer(layer: string, key: string, value: unknown, notes: ConversionNotes): InitializerConfig | undefined {
  if (value === null || value === undefined) return undefined;
  const spec = typeof value === 'string' ? { class_name: value, config: {} } : (value as { class_name?: string; config?: Record<string, number | null> });
  const cls = (spec.class_name ?? '').replace(/^(glorot|he)_(uniform|normal)$/, (_, a: string, b: string) => a[0].toUpperCase() + a.slice(1) + b[0].toUpperCase() + b.slice(1));
  const c = spec.config ?? {};
  if (SIMPLE_INITIALIZERS[cls]) return SIMPLE_INITIALIZERS[cls];
  if (cls === 'Orthogonal') return { name: 'orthogonal', gain: c.gain ?? 1 };
  if (cls === 'RandomUniform') return { name: 'randomUniform', minval: c.minval ?? -0.05, maxval: c.maxval ?? 0.05 };
  if (cls === 'RandomNormal') return { name: 'randomNormal', mean: c.mean ?? 0, stddev: c.stddev ?? 0.05 };
  if (cls === 'Constant') return { name: 'constant', value: c.value ?? 0 };
  notes.unknownInitializers.push(`${layer}.${key} (${cls || JSON.stringify(value)})`);
  return undefined;
}

/** Regularizers and constraints only shape further training: noted, not carried over. */
function noteTrainingOnly(layer: string, config: Record<string, unknown>, notes: ConversionNotes): void {
  for (const [k, v] of Object.entries(config)) {
    if ((k.endsWith('_regularizer') || k.endsWith('_constraint')) && v !== null && v !== undefined) notes.ignored.push(`${layer}.${k}`);
  }
}

function requireFalse(layer: string, config: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) if (config[k] === true) throw new Error(`Keras layer ${layer}: ${k}=True is not supported`);
}

function num(layer: string, config: Record<string, unknown>, key: string): number {
  const v = config[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`Keras layer ${layer}: ${key} is ${JSON.stringify(v)}, expected a number`);
  return v;
}

function recurrent(cls: RecurrentClass, name: string, c: Record<string, unknown>, notes: ConversionNotes): ConvertedLayer {
  requireFalse(name, c, ['return_state', 'time_major']);
  noteTrainingOnly(name, c, notes);
  const config: LayerConfig = {
    name,
    units: num(name, c, 'units'),
    activation: activation(name, 'activation', c.activation ?? 'tanh', notes),
    useBias: c.use_bias !== false,
    returnSequences: c.return_sequences === true,
    goBackwards: c.go_backwards === true,
    stateful: c.stateful === true,
    dropout: typeof c.dropout === 'number' ? c.dropout : 0,
    recurrentDropout: typeof c.recurrent_dropout === 'number' ? c.recurrent_dropout : 0,
    kernelInitializer: initializer(name, 'kernel_initializer', c.kernel_initializer, notes),
    recurrentInitializer: initializer(name, 'recurrent_initializer', c.recurrent_initializer, notes),
    biasInitializer: initializer(name, 'bias_initializer', c.bias_initializer, notes),
  };
  if (cls !== 'SimpleRNN') config.recurrentActivation = activation(name, 'recurrent_activation', c.recurrent_activation ?? 'sigmoid', notes);
  if (cls === 'LSTM') config.unitForgetBias = c.unit_forget_bias !== false;
  // Keras 3 defaults reset_after to True when the config leaves it out; Keras 2 configs state it
  if (cls === 'GRU') config.resetAfter = c.reset_after !== false;
  return { layer: { className: cls, config: dropUndefined(config) }, weightCount: config.useBias ? 3 : 2 };
}

function dropUndefined(config: LayerConfig): LayerConfig {
  return { name: config.name, ...Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) };
}

const RECURRENT_CLASSES = ['SimpleRNN', 'LSTM', 'GRU'] as const;
type RecurrentClass = (typeof RECURRENT_CLASSES)[number];
const isRecurrentClass = (cls: string): cls is RecurrentClass => (RECURRENT_CLASSES as readonly string[]).includes(cls);

/**
 * Bidirectional: the wrapped layer runs forwards and a copy of it backwards (the weights: the forward
 * layer's, then the backward layer's, as here). A `backward_layer` of its own must be that copy.
 */
function bidirectional(name: string, c: Record<string, unknown>, notes: ConversionNotes): ConvertedLayer {
  const inner = c.layer as KerasLayerJSON | undefined;
  if (!inner || !isRecurrentClass(inner.class_name)) throw new Error(`Keras layer ${name}: Bidirectional wraps ${inner?.class_name ?? 'nothing'}; SimpleRNN, LSTM or GRU are supported`);
  // merge_mode None (null) returns the two outputs as a list, which a Sequential model cannot pass on
  const mergeMode = c.merge_mode === undefined ? 'concat' : c.merge_mode;
  if (mergeMode !== 'concat' && mergeMode !== 'sum' && mergeMode !== 'ave' && mergeMode !== 'mul') throw new Error(`Keras layer ${name}: merge_mode ${JSON.stringify(mergeMode)} is not supported (concat, sum, ave, mul)`);
  const forward = recurrent(inner.class_name, String(inner.config?.name ?? inner.class_name), inner.config ?? {}, notes);
  const back = c.backward_layer as KerasLayerJSON | undefined;
  if (back) {
    const b = recurrent(inner.class_name, String(back.config?.name ?? ''), back.config ?? {}, { ignored: [], unknownInitializers: [], kerasMajor: notes.kerasMajor });
    const same = (cfg: LayerConfig): string => JSON.stringify({ ...cfg, name: '', goBackwards: null, kernelInitializer: null, recurrentInitializer: null, biasInitializer: null });
    if (back.class_name !== inner.class_name || same(b.layer.config) !== same(forward.layer.config) || b.layer.config.goBackwards === forward.layer.config.goBackwards) {
      throw new Error(`Keras layer ${name}: a backward_layer that is not the wrapped layer run backwards is not supported`);
    }
  }
  return { layer: { className: 'Bidirectional', config: { name, mergeMode, layer: forward.layer } }, weightCount: 2 * forward.weightCount };
}

/** The Keras layer as this library's layer config, or null for InputLayer (it only declares the input shape). */
export function convertLayer(k: KerasLayerJSON, notes: ConversionNotes): ConvertedLayer | null {
  const c = k.config ?? {};
  const name = typeof c.name === 'string' ? c.name : k.class_name;
  switch (k.class_name) {
    case 'InputLayer':
      return null;
    case 'Embedding': {
      noteTrainingOnly(name, c, notes);
      const config: LayerConfig = {
        name,
        inputDim: num(name, c, 'input_dim'),
        outputDim: num(name, c, 'output_dim'),
        maskZero: c.mask_zero === true,
        embeddingsInitializer: initializer(name, 'embeddings_initializer', c.embeddings_initializer, notes),
      };
      if (typeof c.input_length === 'number') config.inputLength = c.input_length;
      return { layer: { className: 'Embedding', config: dropUndefined(config) }, weightCount: 1 };
    }
    case 'Dense': {
      noteTrainingOnly(name, c, notes);
      const config: LayerConfig = {
        name,
        units: num(name, c, 'units'),
        activation: activation(name, 'activation', c.activation, notes),
        useBias: c.use_bias !== false,
        kernelInitializer: initializer(name, 'kernel_initializer', c.kernel_initializer, notes),
        biasInitializer: initializer(name, 'bias_initializer', c.bias_initializer, notes),
      };
      return { layer: { className: 'Dense', config: dropUndefined(config) }, weightCount: config.useBias ? 2 : 1 };
    }
    case 'Dropout':
      if (c.noise_shape !== null && c.noise_shape !== undefined) throw new Error(`Keras layer ${name}: Dropout with a noise_shape is not supported`);
      return { layer: { className: 'Dropout', config: { name, rate: num(name, c, 'rate') } }, weightCount: 0 };
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return recurrent(k.class_name, name, c, notes);
    case 'Bidirectional':
      return bidirectional(name, c, notes);
    default:
      throw new Error(`Keras layer ${name}: class ${k.class_name} is not supported (supported: InputLayer, Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Dropout)`);
  }
}

/** The input shape a Keras layer config declares (batch dimension dropped), or null. */
export function declaredInputShape(k: KerasLayerJSON): (number | null)[] | null {
  const c = k.config ?? {};
  const batchShape = (c.batch_shape ?? c.batch_input_shape) as (number | null)[] | undefined;
  if (Array.isArray(batchShape)) return batchShape.slice(1);
  if (k.class_name === 'Embedding' && typeof c.input_length === 'number') return [c.input_length];
  return null;
}
