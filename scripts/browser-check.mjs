#!/usr/bin/env node
// Runs test/browser/page.html in headless Chromium (no cross-origin isolation, so no
// SharedArrayBuffer and no threads) against the compiled build/ tree, and checks that a
// small LSTM trains on the wasm backend there. Needs a Chromium binary (CHROMIUM or
// /usr/bin/chromium; Debian: apt-get install chromium). Usage: npm run test:browser
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';

const root = resolve(process.cwd());
const chromium = process.env.CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`browser-check: no Chromium at ${chromium} (set CHROMIUM, or apt-get install chromium)`);
  process.exit(2);
}
const types = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
const server = createServer((req, res) => {
  const path = normalize(join(root, decodeURIComponent(new URL(req.url, 'http://x').pathname)));
  if (!path.startsWith(root) || !existsSync(path)) return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${server.address().port}/test/browser/page.html`;
const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', `--user-data-dir=/tmp/recurrent-chromium-${process.pid}`, '--virtual-time-budget=60000', '--dump-dom', url];
const child = spawn(chromium, args, { stdio: ['ignore', 'pipe', 'ignore'] });
let dom = '';
child.stdout.on('data', (d) => (dom += d));
const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
await new Promise((r) => child.on('close', r));
clearTimeout(timer);
server.close();
const match = /<pre id="out">([\s\S]*?)<\/pre>/.exec(dom);
const text = match ? match[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : '';
let result;
try {
  result = JSON.parse(text);
} catch {
  console.error(`browser-check: the page did not finish (got ${JSON.stringify(text.slice(0, 200))})`);
  process.exit(1);
}
console.log(JSON.stringify(result, null, 2));
const ok = result.ok && result.backend === 'wasm' && result.crossOriginIsolated === false && result.loss.every(Number.isFinite) && result.loss[2] < result.loss[0];
console.log(ok ? 'browser check: 1 passed, 0 failed' : 'browser check: 0 passed, 1 failed');
process.exit(ok ? 0 : 1);
