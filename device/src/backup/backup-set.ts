import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * What a backup holds, relative to the data folder, and the order it is written in. Users, tokens, sessions, the
 * device id, the cloud claim, MQTT accounts and the sync outbox belong to the box and are never in it.
 *
 * Order matters for a backup taken while the appliance runs: persons (identity.json) before their samples, and an
 * embedding index before the append-only vector files it points into, so every index entry refers to bytes that
 * are in the archive (a sample whose person is missing is dropped when the identity store opens).
 */
export const BACKUP_ROOTS = ['settings.json', 'identity', 'person-stats', 'open-visits.json', 'visits', 'events', 'crops'] as const;

/** The archive's own entries: first the format marker, last the manifest with every file's checksum. */
export const FORMAT_ENTRY = 'cva-backup.json';
export const MANIFEST_ENTRY = 'manifest.json';

/** Paths a restore accepts: one of the roots, at most four folders deep, safe characters, no dot files. */
const SEGMENT = '[A-Za-z0-9_~-][A-Za-z0-9_.~-]{0,127}';
const SAFE_PATH = new RegExp(`^(settings\\.json|open-visits\\.json|(identity|person-stats|visits|events|crops)(/${SEGMENT}){1,4})$`);

export function isBackupPath(path: string): boolean {
  return SAFE_PATH.test(path) && !path.split('/').some((s) => s === '.' || s === '..');
}

const hidden = (name: string) => name.startsWith('.') || name.endsWith('.tmp');

/** Every file under `root` (relative paths, sorted), skipping temp and hidden files; [] when it does not exist. */
async function walk(dataDir: string, rel: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(join(dataDir, rel), { withFileTypes: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return [];
    if (code === 'ENOTDIR') return [rel];
    throw e;
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (hidden(e.name)) continue;
    const p = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...(await walk(dataDir, p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const isVectorFile = (p: string) => /^identity\/embeddings\/vectors-[^/]+\.bin$/.test(p);

/** The files to back up, in writing order. */
export async function backupFiles(dataDir: string): Promise<string[]> {
  const out: string[] = [];
  for (const root of BACKUP_ROOTS) {
    const files = await walk(dataDir, root);
    if (root === 'identity') {
      const rank = (p: string) => (p === 'identity/identity.json' ? 0 : isVectorFile(p) ? 2 : 1);
      files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    }
    out.push(...files);
  }
  return out;
}
