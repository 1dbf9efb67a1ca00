// Backup archives on real files: written by the backup writer, checked and staged by the restore, applied at start —
// also when the box stopped half-way through applying; an archive with recomputed checksums but a document that does
// not validate is still refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { createGzip } from 'node:zlib';
import sharp from 'sharp';
import { backupArchive } from '../../device/src/backup/backup-writer.js';
import { applyStagedRestore, receiveBackup, STAGED_DIR, PREVIOUS_DIR } from '../../device/src/backup/restore.js';
import { tarStream } from '../../device/src/backup/tar.js';
import { defaultSettings } from '../../device/src/contracts/settings.js';
import { emptyIdentityDoc } from '../../device/src/identity/model.js';
import { createLogger } from '../../device/src/util/log.js';

const quiet = { ...createLogger('restore-test'), warn: () => {}, info: () => {} };
const counts = { staff: 0, customers: 0, samples: 0, crops: 1, visitDays: 1, cameras: 0 };

async function dataDir(label: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `cva-restore-${label}-`));
  const settings = { ...defaultSettings(), site: { name: `Shop ${label}`, timezone: 'UTC' } };
  await writeFile(join(dir, 'settings.json'), JSON.stringify(settings));
  await mkdir(join(dir, 'identity'), { recursive: true });
  await writeFile(join(dir, 'identity', 'identity.json'), JSON.stringify(emptyIdentityDoc()));
  await mkdir(join(dir, 'crops', 'customer'), { recursive: true });
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: label === 'a' ? '#f00' : '#00f' } }).jpeg().toBuffer();
  await writeFile(join(dir, 'crops', 'customer', `customer~C-000001~${label}~abc.jpg`), jpeg);
  await mkdir(join(dir, 'visits'), { recursive: true });
  await writeFile(join(dir, 'visits', '2026-12-06.json'), JSON.stringify({ label }));
  await writeFile(join(dir, 'accounts.json'), JSON.stringify({ label })); // the box's own: never in a backup
  return dir;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

test('an archive is staged only when whole, and applying it resumes after a stop half-way', async () => {
  const a = await dataDir('a');
  const b = await dataDir('b');
  try {
    const archive = await buffer(backupArchive({ dataDir: a, deviceId: 'box-a', appVersion: 't', counts: () => counts }));
    const staged = await receiveBackup(Readable.from([archive]), b);
    assert.ok(staged.ok, JSON.stringify(staged));
    assert.equal(staged.value.files.some((f) => f.path === 'accounts.json'), false, 'accounts are not in a backup');
    assert.equal(JSON.parse(await readFile(join(b, 'settings.json'), 'utf8')).site.name, 'Shop b', 'nothing applied before the start');

    // The box stops after moving one folder: identity is already the backup's, the rest still the old data.
    await mkdir(join(b, PREVIOUS_DIR), { recursive: true });
    await rename(join(b, 'identity'), join(b, PREVIOUS_DIR, 'identity'));
    await rename(join(b, STAGED_DIR, 'identity'), join(b, 'identity'));

    const applied = await applyStagedRestore(b, quiet);
    assert.equal(applied?.fromDeviceId, 'box-a');
    for (const f of ['settings.json', 'identity/identity.json', 'visits/2026-12-06.json', 'crops/customer/customer~C-000001~a~abc.jpg']) {
      assert.deepEqual(await readFile(join(b, f)), await readFile(join(a, f)), f);
    }
    assert.equal(await exists(join(b, 'crops/customer/customer~C-000001~b~abc.jpg')), false, "the old box's crops are replaced");
    assert.equal(JSON.parse(await readFile(join(b, 'accounts.json'), 'utf8')).label, 'b', 'accounts untouched');
    assert.equal(JSON.parse(await readFile(join(b, PREVIOUS_DIR, 'settings.json'), 'utf8')).site.name, 'Shop b', 'the replaced data is kept aside');
    assert.equal(await exists(join(b, STAGED_DIR)), false);
    assert.equal(await applyStagedRestore(b, quiet), null, 'applied once');
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
});

test('an archive with recomputed checksums but a document that does not validate is refused; nothing is staged', async () => {
  const b = await dataDir('b');
  try {
    const bad = Buffer.from(JSON.stringify({ version: 1, persons: 'everyone' }));
    const sha = createHash('sha256').update(bad).digest('hex');
    const manifest = { format: 'cva-backup', version: 1, createdAt: new Date().toISOString(), deviceId: 'x', appVersion: 't', counts, files: [{ path: 'identity/identity.json', bytes: bad.length, sha256: sha }] };
    const entries = async function* () {
      yield { path: 'cva-backup.json', data: Buffer.from(JSON.stringify({ format: 'cva-backup', version: 1 })) };
      yield { path: 'identity/identity.json', data: bad };
      yield { path: 'manifest.json', data: Buffer.from(JSON.stringify(manifest)) };
    };
    const archive = await buffer(Readable.from(tarStream(entries())).pipe(createGzip()));
    const r = await receiveBackup(Readable.from([archive]), b);
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.message : '', /identity\/identity\.json does not validate/);
    assert.equal(await exists(join(b, STAGED_DIR)), false);
    assert.equal(await exists(join(b, '.restore-incoming')), false);

    // A path outside the backup set (an escape attempt) is refused before it is written.
    const escape = async function* () {
      yield { path: 'cva-backup.json', data: Buffer.from(JSON.stringify({ format: 'cva-backup', version: 1 })) };
      yield { path: 'identity/../../evil.json', data: Buffer.from('{}') };
    };
    const r2 = await receiveBackup(Readable.from([await buffer(Readable.from(tarStream(escape())).pipe(createGzip()))]), b);
    assert.match(!r2.ok ? r2.error.message : '', /unexpected entry/);
    assert.equal(await exists(join(b, '..', 'evil.json')), false);
  } finally {
    await rm(b, { recursive: true, force: true });
  }
});

test('the backup download and a restore upload run under the guard (balena update lock): held until each ends', async () => {
  const { ApplianceBackup } = await import('../../device/src/services/backup-service.js');
  const a = await dataDir('a');
  const b = await dataDir('b');
  const held: string[] = [];
  const open = new Set<string>();
  const guard = async <T>(reason: string, fn: () => Promise<T>): Promise<T> => {
    held.push(reason);
    open.add(reason);
    try {
      return await fn();
    } finally {
      open.delete(reason);
    }
  };
  try {
    const source = new ApplianceBackup({ dataDir: a, deviceId: 'dev-a', appVersion: '1', counts: () => counts, requestRestart: () => {}, guard });
    const { stream } = source.archive();
    assert.deepEqual(held, ['backup']);
    assert.ok(open.has('backup'), 'held while the archive is being read');
    const archive = await buffer(stream);
    await new Promise((r) => setImmediate(r));
    assert.ok(!open.has('backup'), 'released once the download ended');

    const target = new ApplianceBackup({ dataDir: b, deviceId: 'dev-b', appVersion: '1', counts: () => counts, requestRestart: () => {}, restartDelayMs: 60_000, guard });
    const r = await target.restore(Readable.from([archive]), archive.length);
    assert.ok(r.ok, 'the restore was staged');
    assert.deepEqual(held, ['backup', 'restore']);
    assert.equal(open.size, 0);
    const bad = await target.restore(Readable.from([Buffer.from('not an archive')]), 14);
    assert.equal(bad.ok, false);
  } finally {
    await rm(a, { recursive: true, force: true });
    await rm(b, { recursive: true, force: true });
  }
});
