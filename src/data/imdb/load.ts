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

/**
 * `[x, y]`: x[i] is review i as word ids, y a [n] int32 Tensor of 0 (negative) / 1 (positive).
 * The x[i] of a split are views into one shared Int32Array (`x[i].buffer` is that whole buffer);
 * `slice()` one to get an independent copy.
 */
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
  const { corpus, cacheWritten } = await loadCorpusDeferred(options);
  await cacheWritten;
  return corpus;
}

/**
 * loadCorpus, but a freshly built corpus is returned while its cache file is
 * still being written (on the thread pool), so callers can overlap their own
 * work with the write; they must await `cacheWritten` before returning.
 */
async function loadCorpusDeferred(options: ImdbSourceOptions): Promise<{ corpus: Corpus; cacheWritten: Promise<void> }> {
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
    if (cached !== null) return { corpus: cached, cacheWritten: Promise.resolve() };
  }
  const corpus = await buildCorpus(archive);
  // Written only after the whole archive was read and checked, so a corrupt archive leaves no cache.
  const cacheWritten = cacheFile === null ? Promise.resolve() : writeCorpusCache(cacheFile, corpus, archive);
  cacheWritten.catch(() => undefined); // awaited by the caller; no unhandled rejection meanwhile
  return { corpus, cacheWritten };
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

  const { corpus, cacheWritten } = await loadCorpusDeferred(options);
  let data: ImdbData;
  try {
    data = buildData(corpus, options, { seed, startChar, oovChar, indexFrom, skipTop });
  } catch (err) {
    await cacheWritten.catch(() => undefined);
    throw err;
  }
  await cacheWritten; // a failed cache write still fails loadData, as before
  return data;
}

function buildData(
  corpus: Corpus,
  options: LoadDataOptions,
  { seed, startChar, oovChar, indexFrom, skipTop }: { seed: number; startChar: number | null; oovChar: number | null; indexFrom: number; skipTop: number },
): ImdbData {
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
    // Keras: the largest id present. Every ranked word occurs somewhere, so without maxlen
    // filtering that is the last rank; with it, scan what was kept.
    let max = startChar ?? 0;
    if (maxlen === null) {
      if (corpus.vocab.length > 0) max = Math.max(max, corpus.vocab.length + indexFrom);
    } else {
      for (const [split, kept] of [[corpus.train, trainKeep], [corpus.test, testKeep]] as const) {
        const { offsets, tokens } = split;
        let m = 0;
        for (let i = 0; i < kept.length; i++) {
          const r = kept[i];
          for (let k = offsets[r], e = offsets[r + 1]; k < e; k++) if (tokens[k] > m) m = tokens[k];
        }
        if (m > 0 && m + indexFrom > max) max = m + indexFrom;
      }
    }
    numWords = max;
  }

  // Ids outside [skipTop, numWords) become oovChar (or are dropped when it is null).
  const map: IdMap = { lo: skipTop, hi: numWords, oov: oovChar ?? -1, indexFrom, startChar, maxRank: corpus.vocab.length };
  const build = (split: CorpusSplit, kept: Int32Array): ImdbSplit => {
    const ys = new Int32Array(kept.length);
    for (let i = 0; i < kept.length; i++) ys[i] = split.labels[kept[i]];
    return [buildSequences(split, kept, map), new Tensor(ys, [kept.length], 'int32')];
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

interface IdMap {
  lo: number;
  hi: number;
  /** -1: drop. */
  oov: number;
  indexFrom: number;
  startChar: number | null;
  maxRank: number;
}

/**
 * The kept reviews as id sequences. They all share one buffer per split (x[i]
 * are views into it): one allocation instead of 25,000, which used to be most
 * of the cost of a load from the cache. Hot loop: locals only, no closures.
 */
function buildSequences(split: CorpusSplit, kept: Int32Array, map: IdMap): Int32Array[] {
  const { offsets, tokens } = split;
  const { lo, hi, oov, indexFrom } = map;
  const span = hi - lo;
  const start = map.startChar === null ? -1 : map.startChar >= lo && map.startChar < hi ? map.startChar : oov;
  // Token ids run from 1 + indexFrom to maxRank + indexFrom: when all are in range, no per-token check.
  const allInRange = 1 + indexFrom >= lo && map.maxRank + indexFrom < hi;
  let total = 0;
  for (let i = 0; i < kept.length; i++) total += offsets[kept[i] + 1] - offsets[kept[i]] + 1;
  const all = new Int32Array(total);
  const xs = new Array<Int32Array>(kept.length);
  let n = 0;
  for (let i = 0; i < kept.length; i++) {
    const r = kept[i];
    const s = offsets[r];
    const e = offsets[r + 1];
    const first = n;
    if (start >= 0) all[n++] = start;
    if (allInRange) {
      for (let k = s; k < e; k++) all[n++] = tokens[k] + indexFrom;
    } else if (oov >= 0) {
      for (let k = s; k < e; k++) {
        const w = tokens[k] + indexFrom;
        all[n++] = (w - lo) >>> 0 < span ? w : oov;
      }
    } else {
      for (let k = s; k < e; k++) {
        const w = tokens[k] + indexFrom;
        if ((w - lo) >>> 0 < span) all[n++] = w;
      }
    }
    xs[i] = all.subarray(first, n);
  }
  return xs;
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
