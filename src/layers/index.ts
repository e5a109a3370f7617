// Layer factories in the TensorFlow.js style: layers.lstm({ units: 32 }).
import { Bidirectional, type BidirectionalOptions, type MergeMode } from './bidirectional.js';
import { Layer } from './layer.js';
import { RecurrentLayer } from './recurrent.js';
import { Dense, type DenseOptions } from './dense.js';
import { Dropout, type DropoutOptions } from './dropout.js';
import { Embedding, type EmbeddingOptions } from './embedding.js';
import { GRU, type GRUOptions } from './gru.js';
import { LSTM, type LSTMOptions } from './lstm.js';
import { SimpleRNN, type SimpleRNNOptions } from './simple-rnn.js';

export const embedding = (options: EmbeddingOptions): Embedding => new Embedding(options);
export const dense = (options: DenseOptions): Dense => new Dense(options);
export const dropout = (options: DropoutOptions): Dropout => new Dropout(options);
export const simpleRNN = (options: SimpleRNNOptions): SimpleRNN => new SimpleRNN(options);
export const lstm = (options: LSTMOptions): LSTM => new LSTM(options);
export const gru = (options: GRUOptions): GRU => new GRU(options);
/**
 * Keras' Bidirectional wrapper, in the Keras form `layers.bidirectional(layers.lstm({ units: 32 }), { mergeMode: 'sum' })`
 * or the TF.js form `layers.bidirectional({ layer: layers.lstm({ units: 32 }), mergeMode: 'sum' })`.
 */
export function bidirectional(layer: RecurrentLayer, options?: Omit<BidirectionalOptions, 'layer'>): Bidirectional;
export function bidirectional(options: BidirectionalOptions): Bidirectional;
export function bidirectional(arg: RecurrentLayer | BidirectionalOptions, options: Omit<BidirectionalOptions, 'layer'> = {}): Bidirectional {
  return new Bidirectional(arg instanceof Layer ? { ...options, layer: arg as RecurrentLayer } : arg);
}

export { Bidirectional, Dense, Dropout, Embedding, GRU, LSTM, SimpleRNN };
export type { BidirectionalOptions, MergeMode, DenseOptions, DropoutOptions, EmbeddingOptions, GRUOptions, LSTMOptions, SimpleRNNOptions };
export { Layer, type Param, type Shape, type LayerConfig, type BaseLayerOptions } from './layer.js';
export { layerFromConfig, type SerializedLayer } from './from-config.js';
export { RecurrentLayer, type RecurrentOptions, type RecurrentCallResult, type RecurrentCallOptions } from './recurrent.js';
