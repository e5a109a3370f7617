/**
 * Streams the labelled reviews out of an IMDB archive (`aclImdb_v1.tar.gz`
 * or the labelled-only variant) without unpacking it to disk: file bytes →
 * gunzip (node's zlib, which runs on the libuv thread pool and so overlaps
 * with the main thread) → a minimal streaming tar reader (tar.ts).
 *
 * Only `*\/{train,test}/{pos,neg}/ID_RATING.txt` entries are delivered; the
 * unlabelled `train/unsup/`, `*.feat`, `urls_*.txt`, README and vocabulary
 * files are skipped, so both the official and the labelled-only layouts work.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { TarReader } from './tar.js';

export type Split = 'train' | 'test';

export interface ReviewInfo {
  split: Split;
  /** 0 = negative, 1 = positive. */
  label: 0 | 1;
  /** The review id from the file name `ID_RATING.txt`. */
  id: number;
  /** The star rating from the file name (1–4 negative, 7–10 positive). */
  rating: number;
}

/** Output chunk size of the gunzip stream (bigger chunks: fewer callbacks on the main thread). */
const GUNZIP_CHUNK = 1 << 18;

const REVIEW_PATH = /(?:^|\/)(train|test)\/(pos|neg)\/(\d+)_(\d+)\.txt$/;

/** Parses an archive member path; null for anything that is not a labelled review. */
export function parseReviewPath(path: string): ReviewInfo | null {
  const m = REVIEW_PATH.exec(path);
  if (m === null) return null;
  return { split: m[1] as Split, label: m[2] === 'pos' ? 1 : 0, id: Number(m[3]), rating: Number(m[4]) };
}

/** Thrown for a missing, unreadable, truncated or otherwise corrupt archive. */
export class ArchiveError extends Error {
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ArchiveError';
  }
}

async function isGzip(path: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ArchiveError(`IMDB archive not found: ${path}`, path, { cause: err });
    throw new ArchiveError(`IMDB archive ${path} cannot be read: ${(err as Error).message}`, path, { cause: err });
  }
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Called with a review's raw UTF-8 bytes `buf[start, end)`; the view is valid only during the call. */
export type ReviewHandler = (info: ReviewInfo, buf: Uint8Array, start: number, end: number) => void;

/**
 * Calls `onReview` for every labelled review, in archive order, with the
 * review's raw UTF-8 bytes. Resolves with the number of reviews once the
 * whole archive has been read and checked (gzip CRC, tar structure and
 * end-of-archive marker); rejects with an ArchiveError naming the file
 * otherwise. `onReview` may be called for reviews before a later corruption
 * is found, so callers must not persist anything until this resolves. An
 * error thrown by `onReview` stops reading and rejects with that error.
 */
export async function readReviews(path: string, onReview: ReviewHandler): Promise<number> {
  const gzip = await isGzip(path);
  let count = 0;
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    let handlerError: { err: unknown } | null = null;
    const stop = (): void => {
      settled = true;
      source.destroy();
      gunzip?.destroy();
    };
    const fail = (err: unknown): void => {
      if (settled) return;
      stop();
      const msg = err instanceof Error ? err.message : String(err);
      reject(new ArchiveError(`IMDB archive ${path} is corrupt or truncated: ${msg}`, path, { cause: err }));
    };
    const reader = new TarReader(
      parseReviewPath,
      (info, buf, start, end) => {
        try {
          onReview(info, buf, start, end);
        } catch (err) {
          handlerError = { err };
          throw err;
        }
        count++;
      },
    );
    const onData = (chunk: Buffer): void => {
      if (settled) return;
      try {
        reader.write(chunk);
      } catch (err) {
        if (handlerError !== null) {
          stop();
          reject(handlerError.err);
        } else {
          fail(err);
        }
      }
    };
    const onEnd = (): void => {
      if (settled) return;
      try {
        reader.end();
      } catch (err) {
        fail(err);
        return;
      }
      settled = true;
      resolve();
    };
    const source = createReadStream(path, { highWaterMark: 1 << 20 });
    source.on('error', fail);
    const gunzip = gzip ? createGunzip({ chunkSize: GUNZIP_CHUNK }) : null;
    const out = gunzip ?? source;
    if (gunzip !== null) {
      gunzip.on('error', fail);
      source.pipe(gunzip);
    }
    out.on('data', onData);
    out.on('end', onEnd);
  });
  return count;
}
