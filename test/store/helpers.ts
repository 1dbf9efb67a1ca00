import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory for one test, removed afterwards by the returned cleanup. */
export async function tempDir(tag: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `cva-${tag}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
