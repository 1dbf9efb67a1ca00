/** Shared helpers for the vision tests: the real photo set and one engine per test file. */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { facesDataDir } from '../../device/src/util/paths.js';
import { FaceEngine } from '../../device/src/vision/engine.js';

export const DATA = facesDataDir();
export const scene = (file: string) => join(DATA, 'scenes', file);
export const identity = (person: string, file: string) => join(DATA, 'identities', person, file);

/** Every identity photo as {person, file, path}, sorted. */
export function identityPhotos(): Array<{ person: string; file: string; path: string }> {
  const root = join(DATA, 'identities');
  return readdirSync(root).sort().flatMap((person) =>
    readdirSync(join(root, person)).sort().map((file) => ({ person, file, path: join(root, person, file) })));
}

/** Genders of the people in the shared set (public figures and TV characters). */
export const FEMALE = new Set(['amy', 'bernadette', 'penny', 'rose_leslie']);

let engine: Promise<FaceEngine> | null = null;
/** One engine per test process (model loading is the slow part). */
export function sharedEngine(): Promise<FaceEngine> {
  engine ??= FaceEngine.create();
  return engine;
}

export async function releaseEngine(): Promise<void> {
  if (engine) await (await engine).release();
  engine = null;
}
