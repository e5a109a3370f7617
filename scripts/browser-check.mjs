#!/usr/bin/env node
// Runs test/browser/page.html in headless Chromium (no cross-origin isolation, so no
// SharedArrayBuffer and no threads) against the compiled build/ tree, and checks that a
// small LSTM trains on the wasm backend there. The page posts its result to this script's
// server; waiting for that post (not dumping the DOM after a virtual-time budget, which can
// fire before the asynchronous wasm compile finishes) makes the check independent of the
// machine's speed. Needs a Chromium binary (CHROMIUM or /usr/bin/chromium; Debian: apt-get
// install chromium). Usage: npm run test:browser
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';

const timeoutMs = Number(process.env.BROWSER_CHECK_TIMEOUT_MS ?? 180_000);
const root = resolve(process.cwd());
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`browser-check: no Chromium at ${chromium} (set CHROMIUM, or apt-get install chromium)`);
  process.exit(2);
}

let deliver;
const posted = new Promise((r) => (deliver = r));
const types = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/result') {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      res.writeHead(204).end();
      deliver(body);
    });
    return;
  }
  const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(root) || !existsSync(path)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/test/browser/page.html`;
const profile = join(tmpdir(), `recurrent-chromium-${process.pid}`);
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, url];
const child = spawn(chromium, args, { stdio: ['ignore', 'ignore', 'pipe'] });
let stderr = '';
child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
const exited = new Promise((r) => child.on('close', (code, signal) => r(`Chromium exited early (code ${code}, signal ${signal})`)));
let timer;
const timedOut = new Promise((r) => (timer = setTimeout(() => r(`no result from the page within ${timeoutMs / 1000} s`), timeoutMs)));

const outcome = await Promise.race([posted.then((body) => ({ body })), exited.then((why) => ({ why })), timedOut.then((why) => ({ why }))]);
clearTimeout(timer);
child.kill('SIGKILL');
await exited;
server.close();
// Chromium's helper processes can still be writing the profile for a moment after the kill.
try {
  rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
} catch {
  console.error(`browser-check: could not remove ${profile}`);
}

let result;
try {
  if (outcome.why) throw new Error(outcome.why);
  result = JSON.parse(outcome.body);
} catch (e) {
  console.error(`browser-check: ${e.message}`);
  if (stderr) console.error(`Chromium's last output:\n${stderr}`);
  process.exit(1);
}
console.log(JSON.stringify(result, null, 2));
const ok = result.ok && result.backend === 'wasm' && result.crossOriginIsolated === false && result.loss.every(Number.isFinite) && result.loss[2] < result.loss[0];
console.log(ok ? 'browser check: 1 passed, 0 failed' : 'browser check: 0 passed, 1 failed');
process.exit(ok ? 0 : 1);
