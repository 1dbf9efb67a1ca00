import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { z } from 'zod';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupCounts, BackupManifest, MAX_BACKUP_UPLOAD_BYTES } from '../contracts/backup.js';
import { Settings } from '../contracts/settings.js';
import { IdentityDoc } from '../identity/model.js';
import { fsyncDir, writeFileAtomic } from '../store/atomic-file.js';
import { err, ok, type Result } from '../util/result.js';
import type { Logger } from '../util/log.js';
import { BACKUP_ROOTS, FORMAT_ENTRY, isBackupPath, MANIFEST_ENTRY } from './backup-set.js';
import { readTar, TarError, type EntrySink } from './tar.js';

/** Folders in the data folder a restore works in (dot names: never part of a backup themselves). */
export const INCOMING_DIR = '.restore-incoming';
export const STAGED_DIR = '.restore-staged';
export const PREVIOUS_DIR = '.restore-previous';
export const APPLIED_FILE = '.restore-applied.json';
const READY_FILE = 'READY.json';

export interface RestoreLimits {
  /** Compressed upload. */
  maxUploadBytes: number;
  /** All files unpacked. */
  maxUnpackedBytes: number;
  maxFiles: number;
}
export const DEFAULT_RESTORE_LIMITS: RestoreLimits = { maxUploadBytes: MAX_BACKUP_UPLOAD_BYTES, maxUnpackedBytes: 8 * 1024 ** 3, maxFiles: 1_000_000 };

export type RestoreRefusal = { code: 'too_large' | 'refused'; message: string };

const Ready = z.object({ fromDeviceId: z.string(), createdAt: z.string(), counts: BackupCounts, roots: z.array(z.string()) });
export const AppliedRestore = z.object({ at: z.string(), fromDeviceId: z.string(), counts: BackupCounts });
export type AppliedRestore = z.infer<typeof AppliedRestore>;

class Refused extends Error {
  constructor(
    readonly code: RestoreRefusal['code'],
    message: string,
  ) {
    super(message);
  }
}

/** Collects a small entry (format marker, manifest) in memory, refusing it past `max` bytes. */
function memorySink(max: number, what: string, done: (b: Buffer) => void): EntrySink {
  const parts: Buffer[] = [];
  let n = 0;
  return async (chunk) => {
    if (chunk === null) return done(Buffer.concat(parts));
    n += chunk.length;
    if (n > max) throw new Refused('refused', `${what} is too large`);
    parts.push(Buffer.from(chunk));
  };
}

/**
 * Receives a backup archive into `<data>/.restore-incoming`, checks it whole, and only then stages it as
 * `<data>/.restore-staged` for the next start to apply. Checked: gzip and tar framing, the format marker first,
 * safe paths only, the manifest last, every file's size and SHA-256 against it with nothing missing or extra, and
 * the content of the settings and identity documents against their schemas (so an archive from another program,
 * or one edited by hand, is refused even when its checksums were recomputed). On any refusal the incoming folder
 * is removed and the appliance's data is untouched.
 */
export async function receiveBackup(
  input: Readable,
  dataDir: string,
  opts: { limits?: RestoreLimits; expectedBytes?: number; progress?: (step: string, fraction: number) => void } = {},
): Promise<Result<BackupManifest, RestoreRefusal>> {
  const limits = opts.limits ?? DEFAULT_RESTORE_LIMITS;
  const progress = opts.progress ?? (() => {});
  const incoming = join(dataDir, INCOMING_DIR);
  await rm(incoming, { recursive: true, force: true });
  await mkdir(incoming, { recursive: true });
  try {
    const manifest = await unpack(input, incoming, limits, opts.expectedBytes, progress);
    progress('checking the content', 0.9);
    await checkContent(incoming);
    progress('staging', 0.97);
    const staged = join(dataDir, STAGED_DIR);
    await rm(staged, { recursive: true, force: true });
    await rm(join(dataDir, PREVIOUS_DIR), { recursive: true, force: true });
    await rename(incoming, staged);
    const roots = BACKUP_ROOTS.filter((r) => manifest.files.some((f) => f.path === r || f.path.startsWith(`${r}/`)));
    await writeFileAtomic(join(staged, READY_FILE), JSON.stringify({ fromDeviceId: manifest.deviceId, createdAt: manifest.createdAt, counts: manifest.counts, roots }));
    await fsyncDir(dataDir);
    progress('staged', 1);
    return ok(manifest);
  } catch (e) {
    await rm(incoming, { recursive: true, force: true });
    if (e instanceof Refused) return err({ code: e.code, message: e.message });
    if (e instanceof TarError) return err({ code: 'refused', message: `not a readable backup archive: ${e.message}` });
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('Z_')) return err({ code: 'refused', message: 'not a gzip archive, or it is damaged' });
    throw e;
  }
}

async function unpack(
  input: Readable,
  incoming: string,
  limits: RestoreLimits,
  expectedBytes: number | undefined,
  progress: (step: string, fraction: number) => void,
): Promise<BackupManifest> {
  let received = 0;
  input.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > limits.maxUploadBytes) input.destroy(new Refused('too_large', `the archive is larger than ${limits.maxUploadBytes} bytes`));
    else if (expectedBytes) progress('receiving', Math.min(0.85, (0.85 * received) / expectedBytes));
  });
  const gunzip = createGunzip();
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);

  let first = true;
  let format: unknown = null;
  let manifestRaw: Buffer | null = null;
  let unpacked = 0;
  const got = new Map<string, { bytes: number; sha256: string }>();
  const handles = new Set<FileHandle>();
  try {
    await readTar(gunzip, async ({ path, size }) => {
    if (first) {
      first = false;
      if (path !== FORMAT_ENTRY) throw new Refused('refused', 'not an appliance backup (no format marker)');
      return memorySink(4096, 'the format marker', (b) => (format = parseJson(b, FORMAT_ENTRY)));
    }
    if (manifestRaw) throw new Refused('refused', `entry ${path} after the manifest`);
    if (path === MANIFEST_ENTRY) return memorySink(256 * 1024 * 1024, 'the manifest', (b) => (manifestRaw = b));
    checkFormat(format);
    if (!isBackupPath(path)) throw new Refused('refused', `unexpected entry ${JSON.stringify(path.slice(0, 200))}`);
    if (got.has(path)) throw new Refused('refused', `entry ${path} appears twice`);
    if (got.size + 1 > limits.maxFiles) throw new Refused('too_large', `more than ${limits.maxFiles} files`);
    unpacked += size;
    if (unpacked > limits.maxUnpackedBytes) throw new Refused('too_large', `more than ${limits.maxUnpackedBytes} bytes unpacked`);
    return fileSink(join(incoming, path), handles, (sha256, bytes) => got.set(path, { bytes, sha256 }));
    });
  } finally {
    // An archive refused half-way leaves its last file open: close it before the folder is removed.
    for (const fh of handles) await fh.close().catch(() => {});
  }
  checkFormat(format);
  if (!manifestRaw) throw new Refused('refused', 'the archive has no manifest');
  const m = BackupManifest.safeParse(parseJson(manifestRaw, MANIFEST_ENTRY));
  if (!m.success) throw new Refused('refused', `the manifest does not validate: ${m.error.issues[0]?.message ?? ''}`);
  const listed = new Set(m.data.files.map((f) => f.path));
  for (const f of m.data.files) {
    const g = got.get(f.path);
    if (!g) throw new Refused('refused', `${f.path} is listed but missing`);
    if (g.bytes !== f.bytes || g.sha256 !== f.sha256) throw new Refused('refused', `${f.path} is damaged (checksum mismatch)`);
  }
  for (const path of got.keys()) if (!listed.has(path)) throw new Refused('refused', `${path} is not in the manifest`);
  return m.data;
}

function checkFormat(format: unknown): void {
  const f = format as { format?: unknown; version?: unknown } | null;
  if (!f || f.format !== BACKUP_FORMAT) throw new Refused('refused', 'not an appliance backup');
  if (f.version !== BACKUP_VERSION) throw new Refused('refused', `backup format version ${String(f.version)} is not supported (this appliance reads ${BACKUP_VERSION})`);
}

function parseJson(b: Buffer, what: string): unknown {
  try {
    return JSON.parse(b.toString('utf8'));
  } catch {
    throw new Refused('refused', `${what} is not valid JSON`);
  }
}

/** Writes one entry to its file while hashing it. */
function fileSink(file: string, handles: Set<FileHandle>, done: (sha256: string, bytes: number) => void): EntrySink {
  const hash = createHash('sha256');
  let fh: FileHandle | null = null;
  let bytes = 0;
  return async (chunk) => {
    if (!fh) {
      await mkdir(dirname(file), { recursive: true });
      fh = await open(file, 'wx');
      handles.add(fh);
    }
    if (chunk === null) {
      await fh.sync();
      handles.delete(fh);
      await fh.close();
      done(hash.digest('hex'), bytes);
      return;
    }
    hash.update(chunk);
    bytes += chunk.length;
    await fh.write(chunk);
  };
}

const JPEG = Buffer.from([0xff, 0xd8, 0xff]);
const EMBEDDINGS_MAGIC = Buffer.from('CVAEMB01', 'latin1');

/** The documents the appliance opens must validate, and every file must be what its name says. */
async function checkContent(incoming: string): Promise<void> {
  const doc = async (rel: string, schema: z.ZodType) => {
    let text: string;
    try {
      text = await readFile(join(incoming, rel), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const r = schema.safeParse(parseJson(Buffer.from(text), rel));
    if (!r.success) throw new Refused('refused', `${rel} does not validate: ${r.error.issues[0]?.message ?? ''}`);
  };
  await doc('settings.json', Settings);
  await doc('identity/identity.json', IdentityDoc);
  for (const rel of await listFiles(incoming)) {
    const head = Buffer.alloc(8);
    const fh = await open(join(incoming, rel), 'r');
    try {
      await fh.read(head, 0, 8, 0);
    } finally {
      await fh.close();
    }
    if (rel.endsWith('.json')) parseJson(await readFile(join(incoming, rel)), rel);
    else if (rel.endsWith('.jpg') && !head.subarray(0, 3).equals(JPEG)) throw new Refused('refused', `${rel} is not a JPEG`);
    else if (rel.endsWith('.bin') && !head.equals(EMBEDDINGS_MAGIC)) throw new Refused('refused', `${rel} is not an embeddings file`);
  }
}

async function listFiles(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const p = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(dir, p)));
    else out.push(p);
  }
  return out;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/**
 * Applies a staged restore at start, before any store is opened: each backed-up folder or file of the data folder
 * is moved to `.restore-previous/` and the staged one moved in (renames; redone safely if the box stops half-way).
 * The previous data stays in `.restore-previous/` until the next restore. Returns what was applied, or null.
 */
export async function applyStagedRestore(dataDir: string, log: Logger): Promise<AppliedRestore | null> {
  // An upload the box stopped in the middle of checking is never applied; its files go.
  await rm(join(dataDir, INCOMING_DIR), { recursive: true, force: true });
  const staged = join(dataDir, STAGED_DIR);
  let ready: z.infer<typeof Ready>;
  try {
    ready = Ready.parse(JSON.parse(await readFile(join(staged, READY_FILE), 'utf8')));
  } catch {
    // Not staged, or staging never finished: a half-received archive is never applied.
    if (await exists(staged)) await rm(staged, { recursive: true, force: true });
    return null;
  }
  const previous = join(dataDir, PREVIOUS_DIR);
  await mkdir(previous, { recursive: true });
  for (const root of BACKUP_ROOTS) {
    const live = join(dataDir, root);
    const fromArchive = ready.roots.includes(root);
    if (fromArchive && !(await exists(join(staged, root)))) continue; // moved in by an earlier, interrupted start
    if (await exists(live)) {
      await rm(join(previous, root), { recursive: true, force: true });
      await rename(live, join(previous, root));
    }
    if (fromArchive) await rename(join(staged, root), live);
  }
  const applied: AppliedRestore = { at: new Date().toISOString(), fromDeviceId: ready.fromDeviceId, counts: ready.counts };
  await writeFileAtomic(join(dataDir, APPLIED_FILE), JSON.stringify(applied));
  await rm(staged, { recursive: true, force: true });
  await fsyncDir(dataDir);
  log.warn(`restored the backup of ${ready.fromDeviceId} taken ${ready.createdAt}: ${JSON.stringify(ready.counts)}; the data it replaced is in ${PREVIOUS_DIR}/`);
  return applied;
}

/** What the last start applied, if a restore ever was. */
export async function lastAppliedRestore(dataDir: string): Promise<AppliedRestore | null> {
  try {
    return AppliedRestore.parse(JSON.parse(await readFile(join(dataDir, APPLIED_FILE), 'utf8')));
  } catch {
    return null;
  }
}
