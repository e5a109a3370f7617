// keras.datasets.imdb counterpart: see load.ts.
export { loadData, getWordIndex, decode, resolveArchive, IMDB_URL, IMDB_SHA256, type ImdbData, type LoadDataOptions, type ImdbSourceOptions, type ImdbSplit } from './load.js';
export { tokenizeReview } from './tokenize.js';
export { ArchiveError } from './archive.js';
export { DownloadError, downloadFile, type DownloadOptions } from './download.js';
export { encode, type EncodeOptions } from './encode.js';
