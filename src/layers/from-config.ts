/** Rebuilds a layer from `{ className, config }` as written by getConfig (configs are constructor options). */
import { Bidirectional, type MergeMode } from './bidirectional.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { GRU } from './gru.js';
import type { Layer, LayerConfig } from './layer.js';
import { LSTM } from './lstm.js';
import { RecurrentLayer } from './recurrent.js';
import { SimpleRNN } from './simple-rnn.js';

type LayerConstructor = new (options: never) => Layer;

const CONSTRUCTORS: Record<string, LayerConstructor> = { Embedding, Dense, Dropout, SimpleRNN, LSTM, GRU };

export interface SerializedLayer {
  className: string;
  config: LayerConfig;
}

export function layerFromConfig({ className, config }: SerializedLayer): Layer {
  if (className === 'Bidirectional') {
    const { layer, ...rest } = config as LayerConfig & { layer: SerializedLayer };
    const inner = layerFromConfig(layer);
    if (!(inner instanceof RecurrentLayer)) throw new Error(`Bidirectional wraps a recurrent layer, not ${layer.className}`);
    return new Bidirectional({ ...(rest as { name: string; mergeMode?: MergeMode }), layer: inner });
  }
  const Ctor = CONSTRUCTORS[className];
  if (!Ctor) throw new Error(`unknown layer class "${className}" (known: ${Object.keys(CONSTRUCTORS).join(', ')})`);
  // null in a config means "not set" (e.g. Embedding inputLength); the constructors take undefined for that
  const options = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null));
  return new Ctor(options as never);
}
