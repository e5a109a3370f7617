/**
 * Downloads a file over http(s) into a cache directory: follows redirects,
 * shows progress on a TTY, checks the SHA-256, and only renames the temp file
 * to its final name once the whole body arrived and matched — so a file at
 * the final path is always complete and verified, and is never re-checked.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, unlink } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { dirname } from 'node:path';
import { tempPathFor } from '../home.js';

export interface DownloadOptions {
  /** Expected lowercase hex SHA-256 of the body; omit to skip verification. */
  sha256?: string;
  /** Called as bytes arrive; `total` is null when the server sends no Content-Length. */
  onProgress?: (received: number, total: number | null) => void;
  /** Print a progress line to stderr when it is a TTY (default true). */
  progress?: boolean;
  /** Maximum redirects to follow (default 5). */
  maxRedirects?: number;
  /** Abort when no data arrives for this long (default 60 s). */
  timeoutMs?: number;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly url: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

function get(url: URL, timeoutMs: number): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
  if (client === null) return Promise.reject(new DownloadError(`unsupported protocol ${url.protocol} in ${url.href}`, url.href));
  return new Promise((resolve, reject) => {
    const req = client.get(url, { headers: { 'user-agent': 'recurrent' } }, resolve);
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}

function formatMB(n: number): string {
  return (n / 1e6).toFixed(1);
}

/** Downloads `url` to `dest` (atomically). Resolves with the body's SHA-256 (hex). */
export async function downloadFile(url: string, dest: string, options: DownloadOptions = {}): Promise<string> {
  const maxRedirects = options.maxRedirects ?? 5;
  const timeoutMs = options.timeoutMs ?? 60_000;
  let current = new URL(url);
  // Before the request: no await may sit between getting the response and listening to it,
  // or an early 'aborted'/'error' would be missed and the download would hang.
  await mkdir(dirname(dest), { recursive: true });
  let res: http.IncomingMessage;
  for (let hops = 0; ; hops++) {
    try {
      res = await get(current, timeoutMs);
    } catch (err) {
      throw new DownloadError(`download of ${current.href} failed: ${(err as Error).message}`, url, { cause: err });
    }
    const status = res.statusCode ?? 0;
    if (status >= 300 && status < 400 && res.headers.location !== undefined) {
      res.resume();
      if (hops >= maxRedirects) throw new DownloadError(`too many redirects (> ${maxRedirects}) fetching ${url}`, url);
      current = new URL(res.headers.location, current);
      continue;
    }
    if (status !== 200) {
      res.resume();
      throw new DownloadError(`download of ${current.href} failed: HTTP ${status} ${res.statusMessage ?? ''}`.trim(), url);
    }
    break;
  }

  const lengthHeader = res.headers['content-length'];
  const total = lengthHeader !== undefined ? Number(lengthHeader) : null;
  const showBar = (options.progress ?? true) && process.stderr.isTTY === true;
  const name = current.pathname.split('/').pop() ?? current.href;
  const tmp = tempPathFor(dest);
  const hash = createHash('sha256');
  let received = 0;
  let lastDraw = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const out = createWriteStream(tmp);
      const fail = (err: Error): void => {
        res.destroy();
        out.destroy();
        reject(err);
      };
      res.setTimeout(timeoutMs, () => fail(new Error(`stalled: no data for ${timeoutMs} ms`)));
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        received += chunk.length;
        options.onProgress?.(received, total);
        const now = Date.now();
        if (showBar && now - lastDraw > 100) {
          lastDraw = now;
          const pct = total !== null && total > 0 ? ` ${((100 * received) / total).toFixed(0)}%` : '';
          process.stderr.write(`\rDownloading ${name}: ${formatMB(received)}${total !== null ? `/${formatMB(total)}` : ''} MB${pct}   `);
        }
      });
      res.on('aborted', () => fail(new Error('connection closed before the end of the body')));
      res.on('close', () => {
        if (!res.complete) fail(new Error('connection closed before the end of the body'));
      });
      res.on('error', fail);
      out.on('error', fail);
      res.pipe(out);
      out.on('finish', () => {
        // 'finish' can follow a premature end: check the length the server announced.
        if (!res.complete) fail(new Error('connection closed before the end of the body'));
        else resolve();
      });
    });
    if (showBar) process.stderr.write('\n');
    if (total !== null && received !== total) throw new Error(`truncated: got ${received} of ${total} bytes`);
    const digest = hash.digest('hex');
    if (options.sha256 !== undefined && digest !== options.sha256.toLowerCase()) {
      throw new Error(`SHA-256 mismatch: expected ${options.sha256}, got ${digest}`);
    }
    await rename(tmp, dest);
    return digest;
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`download of ${url} failed: ${(err as Error).message}`, url, { cause: err });
  }
}
