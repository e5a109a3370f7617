/**
 * Where the library keeps downloaded archives and caches, and how it writes
 * files there. Everything written under the home directory goes through
 * `writeFileAtomic`, so a crash or an error mid-write never leaves a file
 * that a later run could mistake for a complete one.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** `$RECURRENT_HOME`, else `~/.recurrent`. Read on every call so tests can point it at a temp dir. */
export function recurrentHome(): string {
  const env = process.env.RECURRENT_HOME;
  return env !== undefined && env !== '' ? resolve(env) : join(homedir(), '.recurrent');
}

/** A sibling temp name: same directory, so the final rename stays on one file system (and so is atomic). */
export function tempPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** Writes `data` to `path` via temp file + rename; the temp file is removed on failure. */
export async function writeFileAtomic(path: string, data: Uint8Array | readonly Uint8Array[]): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    if (data instanceof Uint8Array) {
      await writeFile(tmp, data);
    } else {
      // Several parts: one handle, written in order, to avoid concatenating tens of MB first.
      const fh = await open(tmp, 'w');
      try {
        for (const part of data) await fh.write(part);
      } finally {
        await fh.close();
      }
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
