// The real 50,000-review archive from ../shared (or $RECURRENT_IMDB_PATH). ~5-8 s.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { before, test } from 'node:test';
import { cacheFileFor, readCorpusCache } from '../../src/data/imdb/cache.js';
import { buildCorpus, defaultWorkers, type Corpus } from '../../src/data/imdb/corpus.js';
import { decode, getWordIndex, loadData } from '../../src/data/imdb/load.js';

const ARCHIVE = process.env.RECURRENT_IMDB_PATH || resolve(process.cwd(), '../shared/datasets/aclImdb_labeled.tar.gz');
const skip = existsSync(ARCHIVE) ? false : `IMDB archive not found at ${ARCHIVE}`;

before(async () => {
  process.env.RECURRENT_HOME = await mkdtemp(join(tmpdir(), 'recurrent-full-'));
});

test('full archive: 25k/25k balanced reviews; cached load gives identical data', { skip }, async () => {
  const t0 = performance.now();
  const fresh = await loadData({ path: ARCHIVE, numWords: 10000 });
  const t1 = performance.now();
  const cached = await loadData({ path: ARCHIVE, numWords: 10000 });
  const t2 = performance.now();
  console.log(`# archive load+tokenize ${(t1 - t0).toFixed(0)} ms, from cache ${(t2 - t1).toFixed(0)} ms`);
  const [[x, y], [xt, yt]] = fresh;
  assert.equal(x.length, 25000);
  assert.equal(xt.length, 25000);
  const sum = (t: { data: ArrayLike<number> }): number => Array.from(t.data).reduce((a, b) => a + b, 0);
  assert.equal(sum(y), 12500);
  assert.equal(sum(yt), 12500);
  for (const s of x) {
    assert.equal(s[0], 1);
    for (const w of s) assert.ok(w >= 1 && w < 10000);
  }
  assert.deepEqual(cached.train[1].toArray(), y.toArray());
  for (const i of [0, 1, 12345, 24999]) {
    assert.deepEqual(cached.train[0][i], x[i]);
    assert.deepEqual(cached.test[0][i], xt[i]);
  }
  const wi = await getWordIndex({ path: ARCHIVE });
  assert.deepEqual([...wi.keys()].slice(0, 4), ['the', 'and', 'a', 'of']);
  assert.ok(wi.size > 80000);
  assert.ok(wi.has("don't"));
  assert.match(decode(x[0], wi), /^\? \S+/);
});

function bytes(a: Int32Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

test('full archive: the single-threaded build gives the cached (default, worker) corpus byte for byte', { skip }, async () => {
  const cached = await readCorpusCache(await cacheFileFor(ARCHIVE)); // written by the test above
  assert.ok(cached !== null);
  // The other path than the one loadData took by default.
  const other: Corpus = await buildCorpus(ARCHIVE, { workers: defaultWorkers() === 0 ? 1 : 0 });
  assert.equal(other.vocab.length, cached.vocab.length);
  assert.ok(other.vocab.every((w, i) => w === cached.vocab[i]));
  for (const k of ['train', 'test'] as const) {
    for (const f of ['labels', 'offsets', 'tokens'] as const) assert.ok(bytes(other[k][f]).equals(bytes(cached[k][f])), `${k}.${f}`);
  }
});
