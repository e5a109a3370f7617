/**
 * New review text → word ids with exactly the mapping `loadData` applies, so
 * a model trained on `loadData` output can score text it has never seen.
 */
import { tokenizeReview } from './tokenize.js';

export interface EncodeOptions {
  /** As in loadData: ids ≥ numWords become oovChar. Default: no limit. */
  numWords?: number | null;
  skipTop?: number;
  startChar?: number | null;
  oovChar?: number | null;
  indexFrom?: number;
}

/** Encodes each text as `[startChar] + (rank + indexFrom)`; unknown or cut-off words become oovChar (dropped when null). */
export function encode(texts: readonly string[], wordIndex: ReadonlyMap<string, number>, options: EncodeOptions = {}): Int32Array[] {
  const { skipTop = 0, indexFrom = 3 } = options;
  const startChar = options.startChar === undefined ? 1 : options.startChar;
  const oovChar = options.oovChar === undefined ? 2 : options.oovChar;
  const numWords = options.numWords || Infinity;
  const map = (id: number): number => (id >= skipTop && id < numWords ? id : (oovChar ?? -1));
  return texts.map((text, i) => {
    if (typeof text !== 'string') throw new TypeError(`imdb.encode: text ${i} is ${text === null ? 'null' : typeof text}, expected a string`);
    const ids: number[] = [];
    if (startChar !== null && map(startChar) >= 0) ids.push(map(startChar));
    for (const word of tokenizeReview(text)) {
      const rank = wordIndex.get(word);
      const id = rank === undefined ? (oovChar ?? -1) : map(rank + indexFrom);
      if (id >= 0) ids.push(id);
    }
    return Int32Array.from(ids);
  });
}
