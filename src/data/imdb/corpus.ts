/**
 * The tokenized IMDB corpus: every labelled review as a run of word ranks,
 * plus the ranked vocabulary. This is what gets cached; `loadData` options
 * (shuffling, start/oov chars, numWords, ...) are applied on top of it.
 *
 * Canonical order: within each split, negative reviews then positive ones,
 * each by ascending review id — independent of the order of the archive's
 * members, so the official and the labelled-only archives give the same data.
 *
 * Ranking: words are ranked by frequency over the training reviews (rank 1 =
 * most frequent), ties broken by test-set frequency, then by the word itself
 * (JavaScript string order). Words that occur only in the test set therefore
 * rank after every training word; they still get ranks so `decode` can show
 * them, and `numWords` naturally cuts them off.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { readReviews, type ReviewInfo } from './archive.js';
import { WordInterner } from './tokenize.js';
import type { BatchMessage, DoneMessage, EndMessage } from './tokenize-worker.js';

export interface CorpusSplit {
  /** 0/1 per review, canonical order. */
  labels: Int32Array;
  /** Review i's tokens are tokens[offsets[i], offsets[i + 1]). Length n + 1. */
  offsets: Int32Array;
  /** Word ranks (1-based). */
  tokens: Int32Array;
}

export interface Corpus {
  /** vocab[r - 1] is the word of rank r. */
  vocab: string[];
  train: CorpusSplit;
  test: CorpusSplit;
}

interface Pending {
  info: ReviewInfo;
  start: number;
  length: number;
}

function orderKey(a: Pending, b: Pending): number {
  return a.info.label - b.info.label || a.info.id - b.info.id;
}

export interface BuildOptions {
  /**
   * Worker threads that tokenize while the main thread gunzips and untars; 0
   * tokenizes on the main thread. Every setting gives the same corpus.
   */
  workers?: number;
  /** @internal Bytes of review text per batch sent to a worker (tests use tiny batches to exercise the merge). */
  batchBytes?: number;
}

/** Bytes of review text per message to a tokenizer worker (default). */
const BATCH_BYTES = 1 << 19;

const WORKER_URL = new URL('./tokenize-worker.js', import.meta.url);
let workerFileExists: boolean | undefined;

/**
 * Default worker count: 1 when there is a second CPU (2 measured slower in
 * fresh processes on a busy 2-core machine: see bench/RESULTS.md, Data loading),
 * and 0 when the compiled worker file is not next to this module (e.g. when
 * run from the TypeScript sources by a loader).
 */
export function defaultWorkers(): number {
  workerFileExists ??= existsSync(fileURLToPath(WORKER_URL));
  return workerFileExists && availableParallelism() > 1 ? 1 : 0;
}

/** Reads and tokenizes the whole archive (~50 k reviews) into a Corpus. */
export async function buildCorpus(archivePath: string, options: BuildOptions = {}): Promise<Corpus> {
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 0) throw new RangeError(`buildCorpus: workers must be an integer >= 0, got ${workers}`);
  const pending: Record<'train' | 'test', Pending[]> = { train: [], test: [] };
  let words: string[];
  let tokens: Int32Array;
  if (workers > 0) {
    ({ words, tokens } = await tokenizeInWorkers(archivePath, pending, workers, options.batchBytes ?? BATCH_BYTES));
  } else {
    const interner = new WordInterner();
    await readReviews(archivePath, (info, buf, s, e) => {
      const start = interner.idCount;
      const n = interner.tokenize(buf, s, e);
      pending[info.split].push({ info, start, length: n });
    });
    words = interner.words();
    tokens = interner.ids;
  }
  if (pending.train.length === 0 || pending.test.length === 0) {
    throw new Error(
      `IMDB archive ${archivePath} has ${pending.train.length} training and ${pending.test.length} test reviews; ` +
        'expected aclImdb/{train,test}/{pos,neg}/ID_RATING.txt members',
    );
  }
  return assemble(words, tokens, pending);
}

/**
 * The main thread reads the archive and packs review bytes into batches that
 * are transferred (not copied) to the workers, round-robin; each tokenizes its
 * batches in order with its own WordInterner. Their local ids are then mapped
 * to one id space (worker 0's ids, then new words of worker 1, ...). Ranks
 * depend only on words and counts, never on ids, so the corpus is the same as
 * the single-threaded one. Fills `pending` (start offsets into the returned tokens).
 */
async function tokenizeInWorkers(
  archivePath: string,
  pending: Record<'train' | 'test', Pending[]>,
  n: number,
  batchBytes: number,
): Promise<{ words: string[]; tokens: Int32Array }> {
  const workers: Worker[] = [];
  // Workers inherit the process's execArgv, but --input-type (node -e scripts) makes a file-based worker fail to start.
  const execArgv = process.execArgv.filter((a) => !a.startsWith('--input-type'));
  try {
    let failure: Error | null = null;
    const results: Promise<DoneMessage>[] = [];
    for (let w = 0; w < n; w++) {
      const worker = new Worker(WORKER_URL, { execArgv });
      workers.push(worker);
      const done = new Promise<DoneMessage>((resolve, reject) => {
        worker.once('message', (m: DoneMessage) => resolve(m));
        worker.once('error', (err) => reject((failure ??= new Error(`IMDB tokenizer worker failed: ${err.message}`, { cause: err }))));
        worker.once('exit', (code) => reject((failure ??= new Error(`IMDB tokenizer worker exited early (code ${code})`))));
      });
      done.catch(() => undefined); // awaited below; no unhandled rejection while the archive is still being read
      results.push(done);
    }

    const order: ReviewInfo[] = [];
    const owner: number[] = []; // worker of each review, archive order
    let batch = 0;
    let buf = new Uint8Array(batchBytes);
    let used = 0;
    let ends: number[] = [];
    const flush = (): void => {
      if (ends.length === 0) return;
      const msg: BatchMessage = { type: 'batch', buf: buf.buffer as ArrayBuffer, ends: Int32Array.from(ends) };
      workers[batch % n].postMessage(msg, [msg.buf, msg.ends.buffer as ArrayBuffer]);
      batch++;
      buf = new Uint8Array(batchBytes);
      used = 0;
      ends = [];
    };
    await readReviews(archivePath, (info, src, s, e) => {
      if (failure !== null) throw failure;
      const len = e - s;
      if (used + len > buf.length) {
        flush();
        if (len > buf.length) buf = new Uint8Array(len);
      }
      buf.set(src.subarray(s, e), used);
      used += len;
      ends.push(used);
      order.push(info);
      owner.push(batch % n);
    });
    flush();
    for (const worker of workers) worker.postMessage({ type: 'end' } satisfies EndMessage);
    const done = await Promise.all(results);

    // One id space: worker 0's ids as they are, other workers' words looked up / appended.
    const words = done[0].words;
    let total = 0;
    for (const d of done) total += d.ids.length;
    const tokens = new Int32Array(total);
    tokens.set(done[0].ids);
    const base = [0];
    if (n > 1) {
      const index = new Map<string, number>();
      for (let id = 0; id < words.length; id++) index.set(words[id], id);
      let at = done[0].ids.length;
      for (let w = 1; w < n; w++) {
        const local = done[w].words;
        const toGlobal = new Int32Array(local.length);
        for (let id = 0; id < local.length; id++) {
          let g = index.get(local[id]);
          if (g === undefined) {
            g = words.length;
            words.push(local[id]);
            index.set(local[id], g);
          }
          toGlobal[id] = g;
        }
        const ids = done[w].ids;
        for (let k = 0; k < ids.length; k++) tokens[at + k] = toGlobal[ids[k]];
        base.push(at);
        at += ids.length;
      }
    }

    const seen = new Int32Array(n); // reviews of each worker consumed so far
    const pos = Int32Array.from(base); // next token offset of each worker
    for (let i = 0; i < order.length; i++) {
      const w = owner[i];
      const counts = done[w].counts;
      if (seen[w] >= counts.length) throw new Error(`IMDB tokenizer worker ${w} returned ${counts.length} reviews, expected more`);
      const len = counts[seen[w]++];
      pending[order[i].split].push({ info: order[i], start: pos[w], length: len });
      pos[w] += len;
    }
    for (let w = 0; w < n; w++) {
      if (seen[w] !== done[w].counts.length) throw new Error(`IMDB tokenizer worker ${w} returned ${done[w].counts.length} reviews, expected ${seen[w]}`);
    }
    return { words, tokens };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Ranks the words and lays out both splits in canonical order. */
function assemble(words: string[], tokens: Int32Array, pending: Record<'train' | 'test', Pending[]>): Corpus {
  // Frequencies per split, by interned id, for ranking.
  const trainCounts = new Int32Array(words.length);
  const testCounts = new Int32Array(words.length);
  for (const [items, counts] of [[pending.train, trainCounts], [pending.test, testCounts]] as const) {
    for (const it of items) for (let k = it.start, e = it.start + it.length; k < e; k++) counts[tokens[k]]++;
  }
  const order = new Int32Array(words.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  const sorted = Array.from(order).sort(
    (a, b) => trainCounts[b] - trainCounts[a] || testCounts[b] - testCounts[a] || (words[a] < words[b] ? -1 : words[a] > words[b] ? 1 : 0),
  );
  const rankOf = new Int32Array(words.length);
  const vocab = new Array<string>(words.length);
  for (let r = 0; r < sorted.length; r++) {
    rankOf[sorted[r]] = r + 1;
    vocab[r] = words[sorted[r]];
  }

  const makeSplit = (items: Pending[]): CorpusSplit => {
    items.sort(orderKey);
    let total = 0;
    for (const it of items) total += it.length;
    const out = new Int32Array(total);
    const offsets = new Int32Array(items.length + 1);
    const labels = new Int32Array(items.length);
    let o = 0;
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      labels[i] = it.info.label;
      offsets[i] = o;
      for (let k = 0; k < it.length; k++) out[o + k] = rankOf[tokens[it.start + k]];
      o += it.length;
    }
    offsets[items.length] = o;
    return { labels, offsets, tokens: out };
  };
  return { vocab, train: makeSplit(pending.train), test: makeSplit(pending.test) };
}
