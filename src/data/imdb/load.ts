/**
 * `imdb.loadData` / `imdb.getWordIndex` / `imdb.decode` — the Keras
 * `keras.datasets.imdb` API over the raw Stanford archive.
 *
 * Where the archive comes from, in order:
 *   1. `options.path` (any IMDB archive; no checksum required),
 *   2. `$RECURRENT_IMDB_PATH`,
 *   3. `$RECURRENT_HOME/datasets/aclImdb_v1.tar.gz` (default home `~/.recurrent`),
 *      downloaded from Stanford and SHA-256-checked on first use.
 * The tokenized corpus is cached under `$RECURRENT_HOME/cache/imdb/`.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { Random } from '../../random.js';
import { Tensor } from '../../tensor.js';
import { recurrentHome } from '../home.js';
import { cacheFileFor, readCorpusCache, writeCorpusCache } from './cache.js';
import { buildCorpus, type Corpus, type CorpusSplit } from './corpus.js';
import { downloadFile } from './download.js';

export const IMDB_URL = 'https://ai.stanford.edu/~amaas/data/sentiment/aclImdb_v1.tar.gz';
/** SHA-256 of the official `aclImdb_v1.tar.gz`. */
export const IMDB_SHA256 = 'c40f74a18d3b61f90feba1e17730e0d38e8b97c05fde7008942e91923d1658fe';

export interface ImdbSourceOptions {
  /** Path of an IMDB archive (`.tar.gz` or `.tar`). Default: `$RECURRENT_IMDB_PATH`, else download. */
  path?: string;
  /** Download URL (default: the official Stanford archive). */
  url?: string;
  /** Expected SHA-256 of the download; default: the official one for the official URL, none otherwise. `null` skips the check. */
  sha256?: string | null;
  /** Read and write the tokenized cache (default true). */
  cache?: boolean;
  /** Download progress callback (a TTY progress line is printed anyway). */
  onProgress?: (received: number, total: number | null) => void;
}

export interface LoadDataOptions extends ImdbSourceOptions {
  /** Keep ids below this (after shifting by indexFrom); others become oovChar. Default: all words. */
  numWords?: number | null;
  /** Ids (after shifting) below this become oovChar. Default 0. */
  skipTop?: number;
  /** Drop reviews whose sequence (start char included) is not shorter than this. Default: keep all. */
  maxlen?: number | null;
  /** Shuffle seed (default 113, as Keras; our generator differs from numpy's, so orders differ). */
  seed?: number;
  /** Id put at the start of every sequence (default 1); null for none. */
  startChar?: number | null;
  /** Id for cut-off words (default 2); null to drop them. */
  oovChar?: number | null;
  /** Word of rank r gets id r + indexFrom (default 3). */
  indexFrom?: number;
}

/** `[x, y]`: x[i] is review i as word ids, y a [n] int32 Tensor of 0 (negative) / 1 (positive). */
export type ImdbSplit = [x: Int32Array[], y: Tensor];

/** Finds (or downloads) the archive to read. */
export async function resolveArchive(options: ImdbSourceOptions = {}): Promise<string> {
  const explicit = options.path ?? (process.env.RECURRENT_IMDB_PATH || undefined);
  if (explicit !== undefined) return explicit;
  const url = options.url ?? IMDB_URL;
  const fileName = new URL(url).pathname.split('/').pop() || 'imdb.tar.gz';
  const dest = join(recurrentHome(), 'datasets', fileName);
  try {
    await access(dest);
    return dest; // only a complete, verified download is ever renamed to this name
  } catch {
    // not downloaded yet
  }
  const sha256 = options.sha256 === undefined ? (url === IMDB_URL ? IMDB_SHA256 : undefined) : (options.sha256 ?? undefined);
  await downloadFile(url, dest, { sha256, onProgress: options.onProgress });
  return dest;
}

/** The tokenized corpus, from the cache when possible. */
export async function loadCorpus(options: ImdbSourceOptions = {}): Promise<Corpus> {
  const archive = await resolveArchive(options);
  const useCache = options.cache ?? true;
  let cacheFile: string | null = null;
  if (useCache) {
    try {
      cacheFile = await cacheFileFor(archive);
    } catch {
      cacheFile = null; // archive missing: buildCorpus reports it with a clear message
    }
  }
  if (cacheFile !== null) {
    const cached = await readCorpusCache(cacheFile);
    if (cached !== null) return cached;
  }
  const corpus = await buildCorpus(archive);
  // Written only after the whole archive was read and checked, so a corrupt archive leaves no cache.
  if (cacheFile !== null) await writeCorpusCache(cacheFile, corpus, archive);
  return corpus;
}

function checkCount(name: string, v: number | null | undefined, min: number): void {
  if (v === undefined || v === null) return;
  if (!Number.isInteger(v) || v < min) throw new RangeError(`imdb.loadData: ${name} must be an integer >= ${min}, got ${v}`);
}

/**
 * Loads the 25,000 training and 25,000 test reviews as word-id sequences,
 * following keras.datasets.imdb.load_data: each split is shuffled (train
 * first, then test, one generator seeded with `seed`), then
 * `x = [startChar] + [rank + indexFrom ...]`, then reviews with
 * `length >= maxlen` are dropped, then ids outside `[skipTop, numWords)` are
 * replaced by `oovChar` (or dropped when it is null). As in Keras the start
 * char counts toward maxlen and is itself subject to skipTop, and when
 * `numWords` is not given it is the largest id present — so that one id is
 * also mapped to oovChar, a Keras quirk kept on purpose for parity.
 */
/**
 * The result of loadData: `{ train: [x, y], test: [x, y] }`, also iterable as
 * `[train, test]` so the Keras idiom `const [[xTrain, yTrain], [xTest, yTest]] = …` works too.
 */
export interface ImdbData extends Iterable<ImdbSplit> {
  train: ImdbSplit;
  test: ImdbSplit;
}

export async function loadData(options: LoadDataOptions = {}): Promise<ImdbData> {
  const seed = options.seed ?? 113;
  const startChar = options.startChar === undefined ? 1 : options.startChar;
  const oovChar = options.oovChar === undefined ? 2 : options.oovChar;
  const indexFrom = options.indexFrom ?? 3;
  const skipTop = options.skipTop ?? 0;
  checkCount('numWords', options.numWords, 0);
  checkCount('skipTop', skipTop, 0);
  checkCount('maxlen', options.maxlen, 0);
  checkCount('indexFrom', indexFrom, 0);
  checkCount('startChar', startChar, 0);
  checkCount('oovChar', oovChar, 0);

  const corpus = await loadCorpus(options);
  const rng = new Random(seed);
  const shuffled = (n: number): Int32Array => {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return rng.shuffle(order);
  };
  const trainOrder = shuffled(corpus.train.labels.length);
  const testOrder = shuffled(corpus.test.labels.length);

  const extra = startChar === null ? 0 : 1;
  const maxlen = options.maxlen || null; // Keras: `if maxlen:` — 0 means no filtering
  const keep = (split: CorpusSplit, order: Int32Array): Int32Array => {
    if (maxlen === null) return order;
    return order.filter((r) => split.offsets[r + 1] - split.offsets[r] + extra < maxlen);
  };
  const trainKeep = keep(corpus.train, trainOrder);
  const testKeep = keep(corpus.test, testOrder);
  if (trainKeep.length === 0 || testKeep.length === 0) {
    throw new RangeError(`imdb.loadData: after filtering for sequences shorter than maxlen=${maxlen}, no sequence was kept. Increase maxlen.`);
  }

  let numWords = options.numWords || 0;
  if (numWords === 0) {
    let max = startChar ?? 0;
    for (const [split, kept] of [[corpus.train, trainKeep], [corpus.test, testKeep]] as const) {
      for (const r of kept) for (let k = split.offsets[r]; k < split.offsets[r + 1]; k++) if (split.tokens[k] + indexFrom > max) max = split.tokens[k] + indexFrom;
    }
    numWords = max;
  }

  const build = (split: CorpusSplit, kept: Int32Array): ImdbSplit => {
    const xs = new Array<Int32Array>(kept.length);
    const ys = new Int32Array(kept.length);
    const map = (w: number): number => (w >= skipTop && w < numWords ? w : (oovChar ?? -1));
    for (let i = 0; i < kept.length; i++) {
      const r = kept[i];
      const s = split.offsets[r];
      const e = split.offsets[r + 1];
      let seq = new Int32Array(e - s + extra);
      let n = 0;
      if (startChar !== null) {
        const m = map(startChar);
        if (m >= 0) seq[n++] = m;
      }
      for (let k = s; k < e; k++) {
        const m = map(split.tokens[k] + indexFrom);
        if (m >= 0) seq[n++] = m;
      }
      if (n < seq.length) seq = seq.slice(0, n);
      xs[i] = seq;
      ys[i] = split.labels[r];
    }
    return [xs, new Tensor(ys, [kept.length], 'int32')];
  };
  const train = build(corpus.train, trainKeep);
  const test = build(corpus.test, testKeep);
  return {
    train,
    test,
    *[Symbol.iterator]() {
      yield train;
      yield test;
    },
  };
}

/** Word → rank (1 = most frequent in the training set), like keras.datasets.imdb.get_word_index(). */
export async function getWordIndex(options: ImdbSourceOptions = {}): Promise<Map<string, number>> {
  const { vocab } = await loadCorpus(options);
  const index = new Map<string, number>();
  for (let r = 0; r < vocab.length; r++) index.set(vocab[r], r + 1);
  return index;
}

const reverseCache = new WeakMap<ReadonlyMap<string, number>, string[]>();

/**
 * Turns ids from loadData back into text: id → word of rank `id - indexFrom`,
 * and "?" for padding/start/oov ids (and unknown ids), as in the Keras examples.
 */
export function decode(ids: ArrayLike<number>, wordIndex: ReadonlyMap<string, number>, options: { indexFrom?: number } = {}): string {
  const indexFrom = options.indexFrom ?? 3;
  let reverse = reverseCache.get(wordIndex);
  if (reverse === undefined) {
    reverse = [];
    for (const [w, r] of wordIndex) reverse[r] = w;
    reverseCache.set(wordIndex, reverse);
  }
  const out = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = reverse[ids[i] - indexFrom] ?? '?';
  return out.join(' ');
}
