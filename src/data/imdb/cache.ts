/**
 * On-disk cache of the tokenized corpus, so that only the first load pays
 * for gunzip + tokenizing (~seconds) and later loads read one file (~tens of ms).
 *
 * Layout of `imdb-<key>.bin` (little-endian, every Int32 section 4-byte aligned):
 *   8 bytes  magic "RCIMDB01"
 *   4 bytes  uint32 byte length H of the JSON header
 *   H bytes  JSON header (CacheHeader), space-padded to a multiple of 4
 *   Int32 sections: train labels, offsets, tokens; test labels, offsets, tokens
 *   vocabulary: UTF-8, words joined by "\n" (words never contain whitespace)
 *
 * The key hashes the archive's identity (resolved path, size, mtime) and the
 * format/tokenizer versions, so a changed archive or tokenizer never reads a
 * stale cache. Files are written atomically (temp + rename).
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { recurrentHome, writeFileAtomic } from '../home.js';
import type { Corpus, CorpusSplit } from './corpus.js';

const MAGIC = 'RCIMDB01';
/** Bump when the tokenizer rules, the ranking or the file layout change. */
export const CACHE_VERSION = 1;

interface CacheHeader {
  version: number;
  source: string;
  train: { reviews: number; tokens: number };
  test: { reviews: number; tokens: number };
  vocabBytes: number;
}

/** Cache file for an archive: keyed by its identity, under `$RECURRENT_HOME/cache/imdb/`. */
export async function cacheFileFor(archivePath: string): Promise<string> {
  const abs = resolve(archivePath);
  const st = await stat(abs);
  const key = createHash('sha256')
    .update(JSON.stringify({ v: CACHE_VERSION, path: abs, size: st.size, mtimeMs: st.mtimeMs }))
    .digest('hex')
    .slice(0, 24);
  return join(recurrentHome(), 'cache', 'imdb', `imdb-${key}.bin`);
}

function int32Bytes(a: Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export async function writeCorpusCache(file: string, corpus: Corpus, source: string): Promise<void> {
  const vocab = Buffer.from(corpus.vocab.join('\n'), 'utf8');
  const header: CacheHeader = {
    version: CACHE_VERSION,
    source,
    train: { reviews: corpus.train.labels.length, tokens: corpus.train.tokens.length },
    test: { reviews: corpus.test.labels.length, tokens: corpus.test.tokens.length },
    vocabBytes: vocab.length,
  };
  let json = JSON.stringify(header);
  while (Buffer.byteLength(json) % 4 !== 0) json += ' ';
  const jsonBytes = Buffer.from(json, 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(jsonBytes.length, 8);
  const parts: Uint8Array[] = [prefix, jsonBytes];
  for (const s of [corpus.train, corpus.test]) parts.push(int32Bytes(s.labels), int32Bytes(s.offsets), int32Bytes(s.tokens));
  parts.push(vocab);
  await writeFileAtomic(file, parts);
}

/**
 * The whole file in one buffer, read with one read call (readFile reads 512 KB
 * at a time, one thread-pool round trip each: ~95 of them for this file).
 */
async function readWhole(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.allocUnsafeSlow(size); // own ArrayBuffer, offset 0: Int32 views need no copy
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got === size ? buf : buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

/** The cached corpus, or null when there is no cache file or it is unusable (then it is rebuilt). */
export async function readCorpusCache(file: string): Promise<Corpus | null> {
  let buf: Buffer;
  try {
    buf = await readWhole(file);
  } catch {
    return null;
  }
  try {
    if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC) return null;
    const h = buf.readUInt32LE(8);
    const header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as CacheHeader;
    if (header.version !== CACHE_VERSION) return null;
    let pos = 12 + h;
    // Int32Array views need a 4-aligned byte offset; readFile buffers normally start at 0, but copy if not.
    const base = buf.byteOffset % 4 === 0 ? buf : Buffer.from(buf);
    const take = (n: number): Int32Array => {
      if (pos + n * 4 > base.length) throw new Error('truncated');
      const a = new Int32Array(base.buffer, base.byteOffset + pos, n);
      pos += n * 4;
      return a;
    };
    const split = (meta: { reviews: number; tokens: number }): CorpusSplit => {
      const labels = take(meta.reviews);
      const offsets = take(meta.reviews + 1);
      const tokens = take(meta.tokens);
      return { labels, offsets, tokens };
    };
    const train = split(header.train);
    const test = split(header.test);
    if (pos + header.vocabBytes !== base.length) return null;
    const vocab = base.toString('utf8', pos, pos + header.vocabBytes).split('\n');
    return { vocab, train, test };
  } catch {
    return null;
  }
}
