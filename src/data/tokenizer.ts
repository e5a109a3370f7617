/**
 * Tokenizer — the legacy keras.preprocessing.text.Tokenizer (word level):
 * fitOnTexts ranks words by count (ties keep first-seen order, as Python's
 * stable sort does), index 0 is reserved for padding, and an oovToken, when
 * given, takes index 1. `numWords` keeps only indices < numWords when
 * converting (the word index itself keeps every word, as in Keras).
 */

export const DEFAULT_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

export interface TokenizerOptions {
  numWords?: number | null;
  filters?: string;
  lower?: boolean;
  split?: string;
  oovToken?: string | null;
}

/** keras.preprocessing.text.text_to_word_sequence: lower, replace every filter char by `split`, split, drop empties. */
export function textToWordSequence(text: string, options: { filters?: string; lower?: boolean; split?: string } = {}): string[] {
  if (typeof text !== 'string') throw new TypeError(`textToWordSequence: expected a string, got ${text === null ? 'null' : typeof text}`);
  const { filters = DEFAULT_FILTERS, lower = true, split = ' ' } = options;
  let s = lower ? text.toLowerCase() : text;
  if (filters.length > 0) {
    const set = new Set(filters);
    let out = '';
    for (const ch of s) out += set.has(ch) ? split : ch;
    s = out;
  }
  return s.split(split).filter((w) => w.length > 0);
}

export interface TokenizerJSON {
  numWords: number | null;
  filters: string;
  lower: boolean;
  split: string;
  oovToken: string | null;
  documentCount: number;
  /** [word, count] in first-seen order (the order ties are broken by). */
  wordCounts: [string, number][];
  /** [word, number of documents containing it]. */
  wordDocs: [string, number][];
}

export class Tokenizer {
  readonly numWords: number | null;
  readonly filters: string;
  readonly lower: boolean;
  readonly split: string;
  readonly oovToken: string | null;
  documentCount = 0;
  /** word → total count, in first-seen order. */
  readonly wordCounts = new Map<string, number>();
  /** word → number of texts it appears in. */
  readonly wordDocs = new Map<string, number>();
  /** word → index (1 = most frequent, or the oovToken). */
  wordIndex = new Map<string, number>();
  /** index → word. */
  indexWord = new Map<number, string>();

  constructor(options: TokenizerOptions = {}) {
    this.numWords = options.numWords ?? null;
    this.filters = options.filters ?? DEFAULT_FILTERS;
    this.lower = options.lower ?? true;
    this.split = options.split ?? ' ';
    this.oovToken = options.oovToken ?? null;
  }

  private words(text: unknown, where: string, i: number): string[] {
    if (typeof text !== 'string') throw new TypeError(`Tokenizer.${where}: text ${i} is ${text === null ? 'null' : typeof text}, expected a string`);
    return textToWordSequence(text, { filters: this.filters, lower: this.lower, split: this.split });
  }

  fitOnTexts(texts: readonly string[]): this {
    texts.forEach((text, i) => {
      this.documentCount++;
      const seq = this.words(text, 'fitOnTexts', i);
      for (const w of seq) this.wordCounts.set(w, (this.wordCounts.get(w) ?? 0) + 1);
      for (const w of new Set(seq)) this.wordDocs.set(w, (this.wordDocs.get(w) ?? 0) + 1);
    });
    this.rebuildIndex();
    return this;
  }

  private rebuildIndex(): void {
    // Array.prototype.sort is stable, like Python's: equal counts keep first-seen order.
    const sorted = [...this.wordCounts].sort((a, b) => b[1] - a[1]);
    const vocab = this.oovToken === null ? [] : [this.oovToken];
    for (const [w] of sorted) vocab.push(w);
    // dict(zip(...)) in Keras: a later duplicate (the oovToken also seen as a word) wins.
    this.wordIndex = new Map();
    vocab.forEach((w, i) => this.wordIndex.set(w, i + 1));
    this.indexWord = new Map();
    for (const [w, i] of this.wordIndex) this.indexWord.set(i, w);
  }

  textsToSequences(texts: readonly string[]): number[][] {
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const limit = this.numWords;
    return texts.map((text, t) => {
      const out: number[] = [];
      for (const w of this.words(text, 'textsToSequences', t)) {
        const i = this.wordIndex.get(w);
        if (i !== undefined) {
          if (limit && i >= limit) {
            if (oovIndex !== undefined) out.push(oovIndex);
          } else {
            out.push(i);
          }
        } else if (this.oovToken !== null && oovIndex !== undefined) {
          out.push(oovIndex);
        }
      }
      return out;
    });
  }

  sequencesToTexts(sequences: readonly ArrayLike<number>[]): string[] {
    const oovIndex = this.oovToken === null ? undefined : this.wordIndex.get(this.oovToken);
    const limit = this.numWords;
    return sequences.map((seq) => {
      const out: string[] = [];
      for (let k = 0; k < seq.length; k++) {
        const num = seq[k];
        const word = this.indexWord.get(num);
        if (word !== undefined) {
          if (limit && num >= limit) {
            if (oovIndex !== undefined) out.push(this.indexWord.get(oovIndex) as string);
          } else {
            out.push(word);
          }
        } else if (this.oovToken !== null && oovIndex !== undefined) {
          out.push(this.indexWord.get(oovIndex) as string);
        }
      }
      return out.join(' ');
    });
  }

  toJSON(): TokenizerJSON {
    return {
      numWords: this.numWords,
      filters: this.filters,
      lower: this.lower,
      split: this.split,
      oovToken: this.oovToken,
      documentCount: this.documentCount,
      wordCounts: [...this.wordCounts],
      wordDocs: [...this.wordDocs],
    };
  }

  /** Rebuilds a Tokenizer from `toJSON()` output (or its JSON.parse'd string). */
  static fromJSON(json: TokenizerJSON | string): Tokenizer {
    const j = (typeof json === 'string' ? JSON.parse(json) : json) as TokenizerJSON;
    const t = new Tokenizer({ numWords: j.numWords, filters: j.filters, lower: j.lower, split: j.split, oovToken: j.oovToken });
    t.documentCount = j.documentCount;
    for (const [w, c] of j.wordCounts) t.wordCounts.set(w, c);
    for (const [w, c] of j.wordDocs) t.wordDocs.set(w, c);
    t.rebuildIndex();
    return t;
  }
}
