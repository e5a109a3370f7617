// Built-in data sets, as `datasets.imdb.loadData()` like keras.datasets.
export * as imdb from './imdb/index.js';
