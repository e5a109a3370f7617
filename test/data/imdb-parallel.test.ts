// The parallel load path (tokenizer workers) and the streaming tar reader.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { before, test } from 'node:test';
import { buildCorpus, type Corpus } from '../../src/data/imdb/corpus.js';
import { TarReader } from '../../src/data/imdb/tar.js';
import { makeArchive, SMALL_REVIEWS } from './imdb-helpers.js';

let dir = '';
let archive = '';
before(async () => {
  ({ dir, file: archive } = await makeArchive());
});

function sameCorpus(a: Corpus, b: Corpus): void {
  assert.deepEqual(a.vocab, b.vocab);
  for (const k of ['train', 'test'] as const) {
    for (const f of ['labels', 'offsets', 'tokens'] as const) assert.deepEqual(Array.from(a[k][f]), Array.from(b[k][f]), `${k}.${f}`);
  }
}

test('workers 1, 2 and 3 (one review per batch, so ids are merged) give the single-threaded corpus', async () => {
  const ref = await buildCorpus(archive, { workers: 0 });
  assert.deepEqual(ref.vocab.slice(0, 3), ['bad', 'great', 'movie']);
  sameCorpus(await buildCorpus(archive, { workers: 1 }), ref);
  sameCorpus(await buildCorpus(archive, { workers: 2, batchBytes: 1 }), ref);
  sameCorpus(await buildCorpus(archive, { workers: 3, batchBytes: 16 }), ref);
});

test('worker path: corrupt and truncated archives are reported clearly', async () => {
  const bytes = await readFile(archive);
  const truncated = join(dir, 'truncated.tar.gz');
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(buildCorpus(truncated, { workers: 2 }), (err: Error) => err.message.includes(`${truncated} is corrupt or truncated`));
  const corrupt = join(dir, 'corrupt.tar.gz');
  const flipped = Buffer.from(bytes);
  flipped[Math.floor(flipped.length / 2)] ^= 0xff;
  await writeFile(corrupt, flipped);
  await assert.rejects(buildCorpus(corrupt, { workers: 1 }), /corrupt or truncated/);
  // A plain tar cut at an entry boundary: caught by the missing end-of-archive marker.
  const tar = gunzipSync(bytes);
  const cut = join(dir, 'cut.tar');
  await writeFile(cut, tar.subarray(0, 1024));
  await assert.rejects(buildCorpus(cut, { workers: 1 }), /corrupt or truncated: truncated archive/);
});

test('no worker outlives a load, failed or not: the process exits on its own', async () => {
  const bad = join(dir, 'bad-exit.tar.gz');
  await writeFile(bad, (await readFile(archive)).subarray(0, 300));
  const corpusJs = fileURLToPath(new URL('../../src/data/imdb/corpus.js', import.meta.url));
  // Run as `node --input-type=module -e`: also checks that this flag is not passed on to the workers.
  const script = `const m = await import(${JSON.stringify(corpusJs)});
    const c = await m.buildCorpus(${JSON.stringify(archive)}, { workers: 2, batchBytes: 1 });
    console.log('ok ' + c.vocab.length);
    await m.buildCorpus(${JSON.stringify(bad)}, { workers: 2 }).catch((e) => console.log('rejected: ' + e.message));`;
  const out = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { timeout: 60000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
  assert.match(out, /^ok 10\nrejected: .*corrupt or truncated/);
});

// ---- tar reader ------------------------------------------------------------


/** One tar header (+ data, padded): ustar by default, `gnu` for the old GNU magic. */
function entry(name: string, data: string | Buffer, type = '0', opts: { prefix?: string; gnu?: boolean } = {}): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(body.length.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write(type, 156);
  if (opts.gnu) {
    h.write('ustar  \0', 257);
  } else {
    h.write('ustar\0' + '00', 257);
    if (opts.prefix !== undefined) h.write(opts.prefix, 345, 155);
  }
  h.fill(32, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  const pad = Buffer.alloc((512 - (body.length % 512)) % 512);
  return Buffer.concat([h, body, pad]);
}

function pax(records: Record<string, string>): Buffer {
  let out = '';
  for (const [k, v] of Object.entries(records)) {
    const rec = ` ${k}=${v}\n`;
    let len = rec.length + 1;
    while (String(len).length + Buffer.byteLength(rec) !== len) len++;
    out += `${len}${rec}`;
  }
  return Buffer.from(out);
}

const longDir = `aclImdb/${'d'.repeat(150)}`;
/** The small archive's reviews, stored with every naming scheme: GNU long name, pax path, ustar prefix, old GNU. */
function exoticTar(): Buffer {
  const R = SMALL_REVIEWS;
  return Buffer.concat([
    entry('pax_global_header', pax({ comment: 'made by hand' }), 'g'),
    entry('aclImdb/', '', '5'),
    entry('././@LongLink', `${longDir}/train/pos/0_9.txt\0`, 'L', { gnu: true }),
    entry(`${longDir}/train/pos/0_9.tx`.slice(0, 100), R['aclImdb/train/pos/0_9.txt'], '0', { gnu: true }),
    entry('PaxHeaders/1_2.txt', pax({ path: `${longDir}/${'e'.repeat(200)}/train/neg/1_2.txt`, mtime: '1.5' }), 'x'),
    entry('truncated-name', R['aclImdb/train/neg/1_2.txt']),
    entry('test/pos/0_8.txt', R['aclImdb/test/pos/0_8.txt'], '0', { prefix: 'aclImdb' }),
    entry('aclImdb/test/neg/0_1.txt', R['aclImdb/test/neg/0_1.txt'], '0', { gnu: true }),
    entry('aclImdb/train/unsup/0_0.txt', R['aclImdb/train/unsup/0_0.txt']),
    entry('aclImdb/train/pos/link_9.txt', '', '2'),
    Buffer.alloc(1024),
    Buffer.from('trailing garbage after the end-of-archive marker is ignored'),
  ]);
}

function readAll(tar: Buffer, chunk: number): Map<string, string> {
  const got = new Map<string, string>();
  const r = new TarReader(
    (p) => (p.endsWith('.txt') ? p : null),
    (p, b, s, e) => got.set(p, Buffer.from(b.subarray(s, e)).toString()),
  );
  for (let o = 0; o < tar.length; o += chunk) r.write(tar.subarray(o, o + chunk));
  r.end();
  return got;
}

test('tar reader: GNU long names, pax paths, ustar prefixes; any chunking', () => {
  const tar = exoticTar();
  const want = new Map([
    [`${longDir}/train/pos/0_9.txt`, SMALL_REVIEWS['aclImdb/train/pos/0_9.txt']],
    [`${longDir}/${'e'.repeat(200)}/train/neg/1_2.txt`, SMALL_REVIEWS['aclImdb/train/neg/1_2.txt']],
    ['aclImdb/test/pos/0_8.txt', SMALL_REVIEWS['aclImdb/test/pos/0_8.txt']],
    ['aclImdb/test/neg/0_1.txt', SMALL_REVIEWS['aclImdb/test/neg/0_1.txt']],
    ['aclImdb/train/unsup/0_0.txt', SMALL_REVIEWS['aclImdb/train/unsup/0_0.txt']],
  ]);
  for (const chunk of [1, 7, 511, 512, 513, 4096, tar.length]) assert.deepEqual(readAll(tar, chunk), want, `chunk ${chunk}`);
});

test('tar reader: bad checksum, truncation and non-tar input are errors', () => {
  const tar = exoticTar();
  const bad = Buffer.from(tar);
  bad[512 * 3 + 10] ^= 1; // inside a header
  assert.throws(() => readAll(bad, 4096), /bad tar header checksum/);
  assert.throws(() => readAll(tar.subarray(0, 512 * 3 + 100), 4096), /truncated archive: input ends inside an entry/);
  const entries = tar.subarray(0, tar.length - 1024 - 59);
  assert.throws(() => readAll(entries, 4096), /no end-of-archive marker/);
  assert.throws(() => readAll(Buffer.from('not a tar file '.repeat(100)), 4096), /not a tar archive/);
});

test('loadData path: the hand-made archive gives the same corpus as the node-tar one', async () => {
  const file = join(dir, 'exotic.tar.gz');
  await writeFile(file, gzipSync(exoticTar()));
  const ref = await buildCorpus(archive, { workers: 0 });
  sameCorpus(await buildCorpus(file, { workers: 0 }), ref);
  sameCorpus(await buildCorpus(file, { workers: 2, batchBytes: 1 }), ref);
});
