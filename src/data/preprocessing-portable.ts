// Preprocessing that runs anywhere (no file system): padSequences, Tokenizer, time series, Normalizer.
export { padSequences, type PadSequencesOptions } from './pad-sequences.js';
export { Tokenizer, textToWordSequence, DEFAULT_FILTERS, type TokenizerOptions, type TokenizerJSON } from './tokenizer.js';
export { textVectorization, type TextVectorizationOptions, type TextVectorizer } from './text-vectorization.js';
export { timeseriesDataset, type TimeseriesOptions, type TimeseriesBatch } from './timeseries.js';
export { Normalizer, type NormalizerJSON } from './normalizer.js';
