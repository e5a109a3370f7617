/**
 * The IMDB review tokenizer. It works on the UTF-8 bytes straight out of the
 * archive and interns words in its own open-addressing hash table, because
 * the obvious `text.toLowerCase().match(/\p{L}+/gu)` + `Map` version spends
 * ~4 s on the 11.5 M tokens of the 50,000 reviews, against ~0.5 s here.
 *
 * Rules (documented in docs/data.md):
 * - lower-case (full Unicode lower-casing of each code point);
 * - HTML line breaks `<br />`, `<br/>`, `<br>` (any case) are separators;
 * - a word is a run of letters, digits, combining marks and `_`
 *   (Unicode \p{L}, \p{N}, \p{M});
 * - an ASCII apostrophe between two word characters stays inside the word
 *   (`don't`, `o'brien`); elsewhere it is a separator (`'quoted'` → `quoted`);
 * - everything else (punctuation, spaces, typographic quotes like `’`) separates.
 */

/** Byte classes: separators, ASCII word bytes, bytes of multi-byte UTF-8 sequences, and `<` (maybe a `<br />`). */
const SEP = 0;
const WORD = 1;
const MULTI = 2;
const LT = 3;
const APOSTROPHE = 39;
const BYTE_CLASS = new Uint8Array(256);
const BYTE_LOWER = new Uint8Array(256);
for (let c = 0; c < 256; c++) {
  const isWord = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  BYTE_CLASS[c] = c >= 128 ? MULTI : c === 60 ? LT : isWord ? WORD : SEP;
  BYTE_LOWER[c] = c >= 65 && c <= 90 ? c + 32 : c;
}
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

const NON_ASCII_WORD = /^[\p{L}\p{N}\p{M}]$/u;
/** Per code point: 0 unknown, 1 word, 2 separator. Filled lazily: only a few hundred non-ASCII code points occur. */
const cpClass = new Uint8Array(0x110000);
/** Lower-cased UTF-8 bytes of non-ASCII word code points. */
const cpLower = new Map<number, Uint8Array>();
const encoder = new TextEncoder();

function isWordCodePoint(cp: number): boolean {
  let c = cpClass[cp];
  if (c === 0) {
    c = NON_ASCII_WORD.test(String.fromCodePoint(cp)) ? 1 : 2;
    cpClass[cp] = c;
  }
  return c === 1;
}

function lowerBytes(cp: number): Uint8Array {
  let b = cpLower.get(cp);
  if (b === undefined) {
    b = encoder.encode(String.fromCodePoint(cp).toLowerCase());
    cpLower.set(cp, b);
  }
  return b;
}

/**
 * Decodes the UTF-8 sequence at `i` (lead byte >= 0x80). Returns the code
 * point, or -1 for an invalid sequence; `decodedLength` receives its length
 * (1 for invalid bytes, which are then treated as separators).
 */
let decodedLength = 1;
function decodeAt(buf: Uint8Array, i: number, end: number): number {
  const b0 = buf[i];
  let need: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    need = 1;
    cp = b0 & 0x1f;
  } else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 2;
    cp = b0 & 0x0f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 3;
    cp = b0 & 0x07;
  } else {
    decodedLength = 1;
    return -1;
  }
  if (i + need >= end) {
    // Sequence cut off by the end of the buffer.
    decodedLength = 1;
    return -1;
  }
  for (let k = 1; k <= need; k++) {
    const b = buf[i + k];
    if ((b & 0xc0) !== 0x80) {
      decodedLength = 1;
      return -1;
    }
    cp = (cp << 6) | (b & 0x3f);
  }
  decodedLength = need + 1;
  return cp;
}

function growInt32(a: Int32Array, min: number): Int32Array {
  let n = a.length * 2;
  while (n < min) n *= 2;
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Tokenizes byte buffers and interns each distinct word as a dense id
 * (0, 1, 2, ... in order of first appearance). Ids are appended to `ids`.
 */
export class WordInterner {
  private table: Int32Array = new Int32Array(1 << 18); // slot → word id + 1 (0 = empty)
  private mask = (1 << 18) - 1;
  private hashes: Int32Array = new Int32Array(1 << 16);
  private starts: Int32Array = new Int32Array(1 << 16);
  private lengths: Int32Array = new Int32Array(1 << 16);
  private pool: Uint8Array = new Uint8Array(1 << 20);
  private poolUsed = 0;
  private scratch: Uint8Array = new Uint8Array(256);
  /** Number of distinct words so far. */
  size = 0;
  /** Word ids of everything tokenized so far, in order; valid up to `idCount`. */
  ids: Int32Array = new Int32Array(1 << 16);
  idCount = 0;

  /**
   * Tokenizes `buf[start, end)`, appending one id per word to `ids`.
   * Returns the number of words. The common case — an ASCII word — is hashed
   * while scanning and compared against the pool in place, without copying;
   * words with non-ASCII letters take the slower `multiByteWord` path.
   */
  tokenize(buf: Uint8Array, start: number, end: number): number {
    const before = this.idCount;
    let i = start;
    while (i < end) {
      const cls = BYTE_CLASS[buf[i]];
      if (cls === SEP) {
        i++;
        continue;
      }
      if (cls === LT) {
        i = skipBreakTag(buf, i, end);
        continue;
      }
      if (cls === MULTI) {
        const cp = decodeAt(buf, i, end);
        if (cp < 0 || !isWordCodePoint(cp)) {
          i += decodedLength;
          continue;
        }
        i = this.multiByteWord(buf, i, end);
        continue;
      }
      const s = i;
      let h = FNV_OFFSET;
      while (i < end) {
        const b = buf[i];
        if (BYTE_CLASS[b] === WORD) {
          h = Math.imul(h ^ BYTE_LOWER[b], FNV_PRIME);
          i++;
        } else if (b === APOSTROPHE && i + 1 < end && this.isWordAt(buf, i + 1, end)) {
          h = Math.imul(h ^ APOSTROPHE, FNV_PRIME);
          i++;
        } else {
          break;
        }
      }
      if (i < end && BYTE_CLASS[buf[i]] === MULTI && this.isWordAt(buf, i, end)) {
        // The word goes on with a non-ASCII letter: redo it on the general path.
        i = this.multiByteWord(buf, s, end);
      } else {
        this.push(this.internAscii(buf, s, i, h));
      }
    }
    return this.idCount - before;
  }

  private push(id: number): void {
    if (this.idCount === this.ids.length) {
      const bigger = new Int32Array(this.ids.length * 2);
      bigger.set(this.ids);
      this.ids = bigger;
    }
    this.ids[this.idCount++] = id;
  }

  /** The general path: one word starting at `s`, lower-cased into `scratch`. Returns the index after it. */
  private multiByteWord(buf: Uint8Array, s: number, end: number): number {
    let len = 0;
    let i = s;
    while (i < end) {
      if (len + 8 > this.scratch.length) {
        const bigger = new Uint8Array(this.scratch.length * 2);
        bigger.set(this.scratch);
        this.scratch = bigger;
      }
      const b = buf[i];
      if (b < 128) {
        if (BYTE_CLASS[b] === WORD) {
          this.scratch[len++] = BYTE_LOWER[b];
          i++;
          continue;
        }
        if (b === APOSTROPHE && len > 0 && i + 1 < end && this.isWordAt(buf, i + 1, end)) {
          this.scratch[len++] = APOSTROPHE;
          i++;
          continue;
        }
        break;
      }
      const cp = decodeAt(buf, i, end);
      if (cp < 0 || !isWordCodePoint(cp)) break;
      const lower = lowerBytes(cp);
      if (len + lower.length + 8 > this.scratch.length) {
        const bigger = new Uint8Array(this.scratch.length * 2 + lower.length);
        bigger.set(this.scratch);
        this.scratch = bigger;
      }
      this.scratch.set(lower, len);
      len += lower.length;
      i += decodedLength;
    }
    let h = FNV_OFFSET;
    for (let k = 0; k < len; k++) h = Math.imul(h ^ this.scratch[k], FNV_PRIME);
    this.push(this.intern(this.scratch, len, h));
    return i;
  }

  private isWordAt(buf: Uint8Array, i: number, end: number): boolean {
    const b = buf[i];
    if (b < 128) return BYTE_CLASS[b] === WORD;
    const cp = decodeAt(buf, i, end);
    return cp >= 0 && isWordCodePoint(cp);
  }

  /** Id of the (already lower-cased) word in `bytes[0, len)` with hash `h`, adding it if new. */
  private intern(bytes: Uint8Array, len: number, h: number): number {
    let slot = h & this.mask;
    for (;;) {
      const e = this.table[slot];
      if (e === 0) break;
      const id = e - 1;
      if (this.hashes[id] === h && this.lengths[id] === len) {
        const p = this.starts[id];
        let k = 0;
        while (k < len && this.pool[p + k] === bytes[k]) k++;
        if (k === len) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.add(bytes.subarray(0, len), h, slot);
  }

  /** Id of the ASCII word `buf[s, e)` (compared lower-cased, in place), adding it if new. */
  private internAscii(buf: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const pool = this.pool;
    let slot = h & this.mask;
    for (;;) {
      const entry = this.table[slot];
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === h && this.lengths[id] === len) {
        const p = this.starts[id];
        let k = 0;
        while (k < len && pool[p + k] === BYTE_LOWER[buf[s + k]]) k++;
        if (k === len) return id;
      }
      slot = (slot + 1) & this.mask;
    }
    const lowered = new Uint8Array(len);
    for (let k = 0; k < len; k++) lowered[k] = BYTE_LOWER[buf[s + k]];
    return this.add(lowered, h, slot);
  }

  private add(bytes: Uint8Array, h: number, slot: number): number {
    const len = bytes.length;
    const id = this.size++;
    if (id >= this.hashes.length) {
      this.hashes = growInt32(this.hashes, id + 1);
      this.starts = growInt32(this.starts, id + 1);
      this.lengths = growInt32(this.lengths, id + 1);
    }
    if (this.poolUsed + len > this.pool.length) {
      const bigger = new Uint8Array(Math.max(this.pool.length * 2, this.poolUsed + len));
      bigger.set(this.pool.subarray(0, this.poolUsed));
      this.pool = bigger;
    }
    this.pool.set(bytes, this.poolUsed);
    this.hashes[id] = h;
    this.starts[id] = this.poolUsed;
    this.lengths[id] = len;
    this.poolUsed += len;
    this.table[slot] = id + 1;
    if (this.size * 2 > this.table.length) this.rehash();
    return id;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2);
    const mask = table.length - 1;
    for (let id = 0; id < this.size; id++) {
      let slot = this.hashes[id] & mask;
      while (table[slot] !== 0) slot = (slot + 1) & mask;
      table[slot] = id + 1;
    }
    this.table = table;
    this.mask = mask;
  }

  /** All interned words, indexed by id. */
  words(): string[] {
    const decoder = new TextDecoder();
    const out = new Array<string>(this.size);
    for (let id = 0; id < this.size; id++) {
      const s = this.starts[id];
      out[id] = decoder.decode(this.pool.subarray(s, s + this.lengths[id]));
    }
    return out;
  }
}

/** If `buf[i]` starts `<br>`, `<br/>` or `<br />` (any case, any spaces), returns the index after `>`; else i + 1. */
function skipBreakTag(buf: Uint8Array, i: number, end: number): number {
  let j = i + 1;
  if (j + 1 >= end || (buf[j] | 32) !== 98 || (buf[j + 1] | 32) !== 114) return i + 1;
  j += 2;
  while (j < end && (buf[j] === 32 || buf[j] === 9 || buf[j] === 10 || buf[j] === 13)) j++;
  if (j < end && buf[j] === 47) j++;
  return j < end && buf[j] === 62 ? j + 1 : i + 1;
}

/** The words of one text under the IMDB rules above (for inspection and tests; loadData uses WordInterner directly). */
export function tokenizeReview(text: string): string[] {
  if (typeof text !== 'string') throw new TypeError(`tokenizeReview: expected a string, got ${text === null ? 'null' : typeof text}`);
  const interner = new WordInterner();
  const bytes = encoder.encode(text);
  const n = interner.tokenize(bytes, 0, bytes.length);
  const words = interner.words();
  return Array.from(interner.ids.subarray(0, n), (id) => words[id]);
}
