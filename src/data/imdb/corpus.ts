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
import { readReviews, type ReviewInfo } from './archive.js';
import { WordInterner } from './tokenize.js';

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

/** Reads and tokenizes the whole archive (~50 k reviews) into a Corpus. */
export async function buildCorpus(archivePath: string): Promise<Corpus> {
  const interner = new WordInterner();
  const pending: Record<'train' | 'test', Pending[]> = { train: [], test: [] };
  await readReviews(archivePath, (info, bytes) => {
    const start = interner.idCount;
    const n = interner.tokenize(bytes, 0, bytes.length);
    pending[info.split].push({ info, start, length: n });
  });
  if (pending.train.length === 0 || pending.test.length === 0) {
    throw new Error(
      `IMDB archive ${archivePath} has ${pending.train.length} training and ${pending.test.length} test reviews; ` +
        'expected aclImdb/{train,test}/{pos,neg}/ID_RATING.txt members',
    );
  }

  const words = interner.words();
  const tokens = interner.ids;
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
