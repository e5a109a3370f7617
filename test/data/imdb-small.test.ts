import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { decode, getWordIndex, loadData } from '../../src/data/imdb/load.js';
import { makeArchive } from './imdb-helpers.js';

// Ranks in the small archive (train counts, then test counts, then alphabetical):
// bad 1, great 2, movie 3, acting 4, i 5, it 6, loved 7, awful 8, fun 9, zzz 10.
// With indexFrom 3: bad 4, great 5, movie 6, acting 7, i 8, it 9, loved 10, awful 11, fun 12, zzz 13.
const NEG_TRAIN = [1, 4, 6, 4, 4, 7];
const POS_TRAIN = [1, 5, 5, 6, 8, 10, 9]; // great great movie i loved it

let archive = '';
let home = '';
before(async () => {
  archive = (await makeArchive()).file;
  home = await mkdtemp(join(tmpdir(), 'recurrent-home-'));
  process.env.RECURRENT_HOME = home;
  delete process.env.RECURRENT_IMDB_PATH;
});

function byLabel(x: Int32Array[], y: { data: ArrayLike<number> }): Map<number, number[]> {
  return new Map(x.map((s, i) => [y.data[i], Array.from(s)]));
}

test('word index: ranks by training frequency, deterministic ties; unsup/feat/urls skipped', async () => {
  const wi = await getWordIndex({ path: archive });
  assert.deepEqual([...wi], [['bad', 1], ['great', 2], ['movie', 3], ['acting', 4], ['i', 5], ['it', 6], ['loved', 7], ['awful', 8], ['fun', 9], ['zzz', 10]]);
  assert.equal(decode([1, 4, 6, 2, 0, 13], wi), '? bad movie ? ? zzz');
});

test('defaults follow Keras: start char 1, ids = rank + 3, largest id → oov (Keras quirk)', async () => {
  const [[x, y], [xt, yt]] = await loadData({ path: archive });
  assert.deepEqual(y.shape, [2]);
  assert.equal(y.dtype, 'int32');
  const train = byLabel(x, y);
  assert.deepEqual(train.get(0), NEG_TRAIN);
  assert.deepEqual(train.get(1), POS_TRAIN);
  const test_ = byLabel(xt, yt);
  assert.deepEqual(test_.get(1), [1, 5, 12]);
  assert.deepEqual(test_.get(0), [1, 11, 2]); // zzz = 13 = max id, so `w < numWords` fails
});

test('numWords, skipTop, oovChar null, startChar null, indexFrom', async () => {
  let [[x, y]] = await loadData({ path: archive, numWords: 7 });
  assert.deepEqual(byLabel(x, y).get(1), [1, 5, 5, 6, 2, 2, 2]);
  [[x, y]] = await loadData({ path: archive, numWords: 7, skipTop: 5 });
  assert.deepEqual(byLabel(x, y).get(0), [2, 2, 6, 2, 2, 2]); // start char 1 < skipTop becomes oov too
  [[x, y]] = await loadData({ path: archive, numWords: 7, oovChar: null });
  assert.deepEqual(byLabel(x, y).get(1), [1, 5, 5, 6]);
  [[x, y]] = await loadData({ path: archive, startChar: null, indexFrom: 0, numWords: 100 });
  assert.deepEqual(byLabel(x, y).get(0), [1, 3, 1, 1, 4]);
});

test('maxlen drops sequences with length >= maxlen (start char included); empty result throws', async () => {
  const [[x, y], [xt]] = await loadData({ path: archive, maxlen: 7 });
  assert.equal(x.length, 1);
  assert.deepEqual(Array.from(x[0]), NEG_TRAIN);
  assert.equal(y.data[0], 0);
  assert.equal(xt.length, 2);
  await assert.rejects(loadData({ path: archive, maxlen: 3 }), /no sequence was kept/);
});

test('shuffling is seeded', async () => {
  const a = await loadData({ path: archive, seed: 1 });
  const b = await loadData({ path: archive, seed: 1 });
  assert.deepEqual(a.train[1].toArray(), b.train[1].toArray());
});

test('the cache is written once, atomically, and used', async () => {
  const dir = join(home, 'cache', 'imdb');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bin'));
  assert.equal(files.length, 1);
  assert.equal((await readdir(dir)).filter((f) => f.endsWith('.tmp')).length, 0);
  // A corrupt cache file is ignored and rebuilt, not trusted.
  await writeFile(join(dir, files[0]), 'garbage');
  const [[x]] = await loadData({ path: archive });
  assert.equal(x.length, 2);
  assert.equal((await readFile(join(dir, files[0]))).subarray(0, 8).toString(), 'RCIMDB01');
});

test('missing, truncated and non-archive files: clear errors, no cache left behind', async () => {
  const own = await mkdtemp(join(tmpdir(), 'recurrent-home-bad-'));
  process.env.RECURRENT_HOME = own;
  try {
    const missing = join(own, 'nope.tar.gz');
    await assert.rejects(loadData({ path: missing }), (err: Error) => err.message.includes(`not found: ${missing}`));
    const bytes = await readFile(archive);
    const truncated = join(own, 'truncated.tar.gz');
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assert.rejects(loadData({ path: truncated }), (err: Error) => err.message.includes(`${truncated} is corrupt or truncated`));
    const junk = join(own, 'junk.tar');
    await writeFile(junk, 'this is not a tar file at all'.repeat(40));
    await assert.rejects(loadData({ path: junk }), /corrupt or truncated/);
    const entries = await readdir(own, { recursive: true });
    assert.deepEqual(entries.filter((e) => e.includes('cache') && (e.endsWith('.bin') || e.endsWith('.tmp'))), []);
  } finally {
    process.env.RECURRENT_HOME = home;
  }
});
