import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { CropSource } from '../frame/face-crop.js';
import { err, ok, type Result } from '../util/result.js';
import { ensureDir, fsyncDir, removeStaleTemps, writeFileAtomic } from './atomic-file.js';
import { checkJpeg, encodeFaceCrop } from './crop-image.js';
import { StoreError } from './errors.js';

export const CROP_KINDS = ['unknown', 'customer', 'staff'] as const;
export type CropKind = (typeof CROP_KINDS)[number];

export interface CropRef {
  id: string;
  kind: CropKind;
  /** Owner token (the personId when it is filename-safe, else a hash of it); null for unowned crops. */
  owner: string | null;
  createdAt: number;
}


export interface SaveCrop {
  kind: CropKind;
  personId?: string | null;
  /** Epoch ms the face was seen (retention age); defaults to now. */
  at?: number;
}

/**
 * Face crops as plain JPEG files `crops/<kind>/<id>.jpg`. The id is generated here and carries
 * everything the store needs — kind, owner, time — so there is no index to rewrite or corrupt:
 * `<kind>~<owner>~<epoch ms base36>~<random>`. A file appears atomically (tmp + fsync + rename),
 * so a crash leaves either no crop or a whole one. Ids are validated before any path is built.
 */
const ID = /^(unknown|customer|staff)~([A-Za-z0-9_-]{1,64})~([0-9a-z]{1,11})~([0-9a-z]{10})$/;
const NO_OWNER = '_';

export function ownerToken(personId: string): string {
  return /^[A-Za-z0-9-][A-Za-z0-9_-]{0,63}$/.test(personId) ? personId : `h${createHash('sha256').update(personId).digest('hex').slice(0, 24)}`;
}

export function parseCropId(id: string): Result<CropRef, StoreError> {
  const m = typeof id === 'string' ? ID.exec(id) : null;
  const createdAt = m ? parseInt(m[3], 36) : NaN;
  if (!m || !Number.isSafeInteger(createdAt)) return err(new StoreError('bad-id', 'not a crop id'));
  return ok({ id, kind: m[1] as CropKind, owner: m[2] === NO_OWNER ? null : m[2], createdAt });
}

export class CropStore {
  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<CropStore> {
    for (const kind of CROP_KINDS) {
      await ensureDir(join(dir, kind));
      for (const name of await readdir(join(dir, kind))) {
        if (name.endsWith('.tmp')) await removeStaleTemps(join(dir, kind, name.replace(/^\.(.+\.jpg)\.\d+\.[0-9a-f]+\.tmp$/, '$1')));
      }
    }
    return new CropStore(dir);
  }

  /** Store a crop from a JPEG buffer or from a frame region; resolves once the file is durable. */
  async save(meta: SaveCrop, source: CropSource): Promise<CropRef> {
    if (!CROP_KINDS.includes(meta.kind)) throw new StoreError('bad-input', `kind must be one of ${CROP_KINDS.join(', ')}`);
    const at = Math.trunc(meta.at ?? Date.now());
    if (!Number.isSafeInteger(at) || at < 0) throw new StoreError('bad-input', 'at must be epoch ms');
    let jpeg: Buffer;
    if ('jpeg' in source) {
      await checkJpeg(source.jpeg);
      jpeg = source.jpeg;
    } else {
      jpeg = await encodeFaceCrop(source.frame, source.box);
    }
    const owner = meta.personId ? ownerToken(meta.personId) : NO_OWNER;
    const id = `${meta.kind}~${owner}~${at.toString(36)}~${randomBytes(5).toString('hex')}`;
    await writeFileAtomic(this.fileOf(meta.kind, id), jpeg);
    return { id, kind: meta.kind, owner: owner === NO_OWNER ? null : owner, createdAt: at };
  }

  /** The file of a crop id; anything that is not a well-formed id is refused (no traversal). */
  path(id: string): Result<string, StoreError> {
    const ref = parseCropId(id);
    return ref.ok ? ok(this.fileOf(ref.value.kind, id)) : ref;
  }

  async read(id: string): Promise<Buffer | null> {
    const p = this.path(id);
    if (!p.ok) return null;
    return readFile(p.value).catch((e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') return null;
      throw e;
    });
  }

  async delete(id: string): Promise<boolean> {
    const ref = parseCropId(id);
    return ref.ok ? (await this.deleteAll([ref.value])) === 1 : false;
  }

  /** Delete every crop owned by a person (all kinds). Returns how many were removed. */
  async deleteForPerson(personId: string): Promise<number> {
    const refs = await this.list({ personId });
    return this.deleteAll(refs);
  }

  async list(filter: { kind?: CropKind; personId?: string; olderThan?: number } = {}): Promise<CropRef[]> {
    const owner = filter.personId === undefined ? undefined : ownerToken(filter.personId);
    const out: CropRef[] = [];
    for (const kind of filter.kind ? [filter.kind] : CROP_KINDS) {
      for (const name of await readdir(join(this.dir, kind))) {
        if (!name.endsWith('.jpg')) continue;
        const ref = parseCropId(name.slice(0, -4));
        if (!ref.ok || ref.value.kind !== kind) continue;
        if (owner !== undefined && ref.value.owner !== owner) continue;
        if (filter.olderThan !== undefined && !(ref.value.createdAt < filter.olderThan)) continue;
        out.push(ref.value);
      }
    }
    return out;
  }

  /**
   * Give a crop a new kind/owner (an unknown face became customer C-000123). Returns the new ref;
   * the old id stops existing, so callers update what referenced it.
   */
  async reassign(id: string, to: { kind: CropKind; personId: string | null }): Promise<CropRef> {
    const from = parseCropId(id);
    if (!from.ok) throw from.error;
    if (!CROP_KINDS.includes(to.kind)) throw new StoreError('bad-input', 'unknown crop kind');
    const owner = to.personId ? ownerToken(to.personId) : NO_OWNER;
    const parts = id.split('~');
    const newId = `${to.kind}~${owner}~${parts[2]}~${parts[3]}`;
    try {
      await rename(this.fileOf(from.value.kind, id), this.fileOf(to.kind, newId));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new StoreError('not-found', `${id} does not exist`);
      throw e;
    }
    await fsyncDir(join(this.dir, to.kind));
    if (to.kind !== from.value.kind) await fsyncDir(join(this.dir, from.value.kind));
    return { id: newId, kind: to.kind, owner: owner === NO_OWNER ? null : owner, createdAt: from.value.createdAt };
  }

  async deleteAll(refs: readonly CropRef[]): Promise<number> {
    let n = 0;
    const dirs = new Set<CropKind>();
    for (const r of refs) {
      if (await unlinkIfPresent(this.fileOf(r.kind, r.id))) {
        n++;
        dirs.add(r.kind);
      }
    }
    for (const k of dirs) await fsyncDir(join(this.dir, k));
    return n;
  }

  private fileOf(kind: CropKind, id: string): string {
    return join(this.dir, kind, `${id}.jpg`);
  }
}

async function unlinkIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
