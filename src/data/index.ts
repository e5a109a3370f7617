// Data: built-in datasets (IMDB) and preprocessing (padSequences, Tokenizer, time series, CSV).
export * as datasets from './datasets.js';
export * as preprocessing from './preprocessing.js';
