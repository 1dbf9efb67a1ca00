import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import { BACKUP_FORMAT, BACKUP_VERSION, type BackupCounts, type BackupManifest } from '../contracts/backup.js';
import { backupFiles, FORMAT_ENTRY, MANIFEST_ENTRY } from './backup-set.js';
import { tarStream } from './tar.js';

export interface BackupSource {
  dataDir: string;
  deviceId: string;
  appVersion: string;
  /** What the backup holds, counted from the live modules when it starts. */
  counts: () => Promise<BackupCounts> | BackupCounts;
}

/**
 * The backup archive as a gzip'd tar stream: a format marker first, then each file of the backup set (read whole,
 * one at a time, so each is a consistent version even while the appliance writes), then the manifest with every
 * file's size and SHA-256. A file removed while the backup runs (a crop past retention) is left out.
 */
export function backupArchive(src: BackupSource): Readable {
  async function* entries() {
    const counts = await src.counts();
    const createdAt = new Date().toISOString();
    yield { path: FORMAT_ENTRY, data: Buffer.from(JSON.stringify({ format: BACKUP_FORMAT, version: BACKUP_VERSION })) };
    const files: BackupManifest['files'] = [];
    for (const path of await backupFiles(src.dataDir)) {
      let data: Buffer;
      try {
        data = await readFile(join(src.dataDir, path));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw e;
      }
      files.push({ path, bytes: data.length, sha256: createHash('sha256').update(data).digest('hex') });
      yield { path, data };
    }
    const manifest: BackupManifest = { format: BACKUP_FORMAT, version: BACKUP_VERSION, createdAt, deviceId: src.deviceId, appVersion: src.appVersion, counts, files };
    yield { path: MANIFEST_ENTRY, data: Buffer.from(JSON.stringify(manifest)) };
  }
  const tar = Readable.from(tarStream(entries()));
  const gzip = createGzip({ level: 6 });
  // A failed read ends the download with an error (a truncated archive is then refused by any restore).
  tar.on('error', (e) => gzip.destroy(e));
  return tar.pipe(gzip);
}
