import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/**
 * The appliance's state holds faces, embeddings, password hashes and cloud tokens: every file it writes
 * is readable by its own user only, every folder it creates is private (docs/security.md).
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/**
 * Durable file replacement: write a temp file in the same directory, fsync it, rename it over the
 * target, then fsync the directory so the rename itself survives power loss. After a crash the
 * target is either the old or the new content, never a torn mix.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): Promise<void> {
  const dir = dirname(file);
  const tmp = tempPathFor(file);
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fh.close();
  try {
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => {});
    throw e;
  }
  await fsyncDir(dir);
}

/**
 * The same replacement, blocking: for callers that promise "on disk before this returns" from
 * synchronous code (the sync outbox's pointer and meta files, the cloud credentials).
 */
export function writeFileAtomicSync(file: string, data: string | Uint8Array, mode = PRIVATE_FILE_MODE): void {
  const tmp = tempPathFor(file);
  try {
    const fd = openSync(tmp, 'w', mode);
    try {
      writeFileSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
  fsyncDirSync(dirname(file));
}

/** `.<name>.<pid>.<rand>.tmp` beside the target: same filesystem for the rename, and what removeStaleTemps finds. */
function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** fsync a directory so entries created, renamed or removed in it are durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Create a directory (and parents) and make every new entry durable in its parent. */
export async function ensureDir(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (first === undefined) return;
  for (let d = resolve(dir); ; d = dirname(d)) {
    await fsyncDir(dirname(d));
    if (d === resolve(first) || dirname(d) === d) break;
  }
}

/**
 * Remove temp files a killed writer left behind for `file` (`.<name>.<pid>.<rand>.tmp`). Only
 * this file's temps from other processes are touched, so concurrent writers of sibling files or
 * of this process are never disturbed.
 */
export async function removeStaleTemps(file: string): Promise<number> {
  const dir = dirname(file);
  const prefix = `.${basename(file)}.`;
  const mine = `${prefix}${process.pid}.`;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp') && !name.startsWith(mine)) {
      await unlink(join(dir, name)).catch(() => {});
      removed++;
    }
  }
  return removed;
}
