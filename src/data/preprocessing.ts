// Preprocessing utilities, as `preprocessing.padSequences(...)` etc.
export { padSequences, type PadSequencesOptions } from './pad-sequences.js';
export { Tokenizer, textToWordSequence, DEFAULT_FILTERS, type TokenizerOptions, type TokenizerJSON } from './tokenizer.js';
export { textVectorization, type TextVectorizationOptions, type TextVectorizer } from './text-vectorization.js';
export { timeseriesDataset, type TimeseriesOptions, type TimeseriesBatch } from './timeseries.js';
export { Normalizer, type NormalizerJSON } from './normalizer.js';
export { readCsv, CsvError, type ReadCsvOptions, type CsvTable } from './csv.js';
