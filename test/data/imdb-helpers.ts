// Builds small IMDB-layout archives for tests (no network, no shared files needed).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { c as createTar } from 'tar';

/** The reviews of the small archive; expected ranks are worked out in imdb-small.test.ts. */
export const SMALL_REVIEWS: Record<string, string> = {
  'aclImdb/train/pos/0_9.txt': 'Great great movie<br />I loved it',
  'aclImdb/train/neg/1_2.txt': 'Bad movie. Bad, bad acting!',
  'aclImdb/test/pos/0_8.txt': 'great fun',
  'aclImdb/test/neg/0_1.txt': 'awful zzz',
  // Parts of the official layout that must be skipped:
  'aclImdb/train/unsup/0_0.txt': 'unsup words bad bad bad bad',
  'aclImdb/train/labeledBow.feat': '0 1:1',
  'aclImdb/train/urls_pos.txt': 'http://example.invalid/',
  'aclImdb/imdb.vocab': 'the\nand\n',
};

export async function makeArchive(files: Record<string, string> = SMALL_REVIEWS): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'recurrent-imdb-'));
  const src = join(dir, 'src');
  for (const [name, text] of Object.entries(files)) {
    await mkdir(dirname(join(src, name)), { recursive: true });
    await writeFile(join(src, name), text);
  }
  const file = join(dir, 'small.tar.gz');
  await createTar({ gzip: true, file, cwd: src, portable: true }, ['aclImdb']);
  return { dir, file };
}
