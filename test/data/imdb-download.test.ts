import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { downloadFile } from '../../src/data/imdb/download.js';
import { loadData } from '../../src/data/imdb/load.js';
import { makeArchive } from './imdb-helpers.js';

// A local server on 127.0.0.1 stands in for the Stanford host: no network in tests.
let server: http.Server;
let base = '';
let body: Buffer;
let sha = '';

before(async () => {
  body = await readFile((await makeArchive()).file);
  sha = createHash('sha256').update(body).digest('hex');
  server = http.createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/files/aclImdb_small.tar.gz' }).end();
    } else if (req.url === '/files/aclImdb_small.tar.gz') {
      res.writeHead(200, { 'content-length': body.length }).end(body);
    } else if (req.url === '/truncated') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100), () => res.destroy());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections(); // keep-alive sockets would hold close() open
  server.close();
});

async function leftovers(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

test('loadData downloads (following a redirect), verifies and caches the archive', async () => {
  const home = await mkdtemp(join(tmpdir(), 'recurrent-dl-'));
  process.env.RECURRENT_HOME = home;
  delete process.env.RECURRENT_IMDB_PATH;
  let progressCalls = 0;
  const [[x], [xt]] = await loadData({ url: `${base}/redirect`, sha256: sha, onProgress: () => progressCalls++ });
  assert.equal(x.length, 2);
  assert.equal(xt.length, 2);
  assert.ok(progressCalls > 0);
  assert.deepEqual(await readFile(join(home, 'datasets', 'redirect')), body);
  // Second call: no download (server path would 404 now), reads the file already there.
  const again = await loadData({ url: `${base}/redirect`, sha256: 'not-checked-again' });
  assert.equal(again.train[0].length, 2);
});

test('checksum mismatch: error names both hashes, nothing left behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recurrent-dl-'));
  const dest = join(dir, 'a.tar.gz');
  await assert.rejects(downloadFile(`${base}/files/aclImdb_small.tar.gz`, dest, { sha256: '0'.repeat(64) }), (err: Error) => {
    assert.match(err.message, /SHA-256 mismatch: expected 0{64}, got [0-9a-f]{64}/);
    return true;
  });
  assert.deepEqual(await leftovers(dir), []);
});

test('truncated body and HTTP errors are reported, nothing left behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'recurrent-dl-'));
  await assert.rejects(downloadFile(`${base}/truncated`, join(dir, 't.tar.gz')), /failed/);
  await assert.rejects(downloadFile(`${base}/missing`, join(dir, 'm.tar.gz')), /HTTP 404/);
  assert.deepEqual(await leftovers(dir), []);
  assert.equal(await downloadFile(`${base}/files/aclImdb_small.tar.gz`, join(dir, 'ok.tar.gz'), { sha256: sha }), sha);
  assert.deepEqual(await leftovers(dir), ['ok.tar.gz']);
});
