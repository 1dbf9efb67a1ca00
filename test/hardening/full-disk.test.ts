// Defect 6: a full disk. Reads never need a write (API tokens keep working); a refused write is a clear 507
// naming the problem; health shows it; face crops pause before visits. A real full filesystem: a small
// tmpfs mounted for the test (mounting needs root, which the test environment has).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { StorageMonitor } from '../../device/src/health/storage-monitor.js';
import { SystemHealth } from '../../device/src/health/system-health.js';
import { Client, setUpAdmin, startHarness, type Harness } from '../http/harness.js';
import { ADMIN, Inbox, connect } from '../mqtt/helpers.js';
import { startTestService } from '../mqtt/service-helpers.js';

const isRoot = process.getuid?.() === 0;

describe('a full data disk', { skip: isRoot ? false : 'mounting the small test filesystem needs root' }, () => {
  const mnt = mkdtempSync(join(tmpdir(), 'cva-full-disk-'));
  let h: Harness;
  let admin: Client;
  let monitor: StorageMonitor;
  let token: string;
  let healthReport: SystemHealth;

  before(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mnt]);
    h = await startHarness({
      dir: join(mnt, 'data'),
      late: async ({ dir, store }) => {
        monitor = new StorageMonitor({ dir, lowBytes: 1024 * 1024, fullBytes: 64 * 1024 });
        store.crops.pauseWhen(() => monitor.cropsPaused());
        healthReport = new SystemHealth({ cameraStats: () => [], detectorMs: () => null, storage: () => monitor.check() });
        return { storage: monitor, health: healthReport };
      },
    });
    admin = await setUpAdmin(h);
    token = (await admin.json('POST', '/api/v1/tokens', { name: 'dashboard', role: 'viewer' })).body.token;
    // Fill the disk for real: the write stops at ENOSPC, holding what it managed to write.
    await writeFile(join(mnt, 'filler'), Buffer.alloc(8 * 1024 * 1024, 1)).catch((e) => assert.equal(e.code, 'ENOSPC'));
  });
  after(async () => {
    await h.close();
    execFileSync('umount', [mnt]);
    rmSync(mnt, { recursive: true, force: true });
  });

  it('an API token still reads (recording "last used" is not needed for the answer)', async () => {
    const r = await fetch(`${h.url}/api/v1/cameras`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(r.status, 200, await r.text());
  });

  it('a change that cannot be saved is a 507 naming the problem, and changes nothing', async () => {
    const before = h.settings.get().visitGapMinutes;
    const r = await admin.json('PATCH', '/api/v1/settings', { visitGapMinutes: before + 7, site: { name: 'x'.repeat(100) } });
    assert.equal(r.status, 507, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'insufficient_storage');
    assert.match(r.body.error.message, /disk is full/);
    assert.equal(h.settings.get().visitGapMinutes, before);
  });

  it('health says the disk is full; face crops are paused (visits keep their room)', async () => {
    const health = await admin.json('GET', '/api/v1/health/details');
    assert.equal(health.status, 200);
    assert.equal(health.body.storage.state, 'full');
    assert.match(health.body.storage.message, /full/);
    // MQTT bridge/health carries the same report (the appliance's health provider), storage included.
    const mq = await startTestService({}, { health: async () => ({ ...(await healthReport.report()) }) });
    try {
      const c = await connect(mq.url, ADMIN);
      const inbox = new Inbox(c);
      await c.subscribeAsync('cva/bridge/health');
      await mq.service.publisher.publishHealth();
      const payload = JSON.parse((await inbox.on('cva/bridge/health')).payload);
      assert.equal(payload.storage.state, 'full');
      await c.endAsync();
    } finally {
      await mq.close();
    }
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#777' } }).jpeg().toBuffer();
    await assert.rejects(h.store.crops.save({ kind: 'customer', personId: 'C-000001' }, { jpeg }), /crop not stored: the data disk is full/);
    assert.equal(await h.store.crops.saveUnlessPaused({ kind: 'customer', personId: 'C-000001' }, { jpeg }), null);
  });

  it('once space is freed, writes and crops work again', async () => {
    await rm(join(mnt, 'filler'));
    assert.equal((await monitor.check()).state, 'ok');
    assert.equal((await admin.json('PATCH', '/api/v1/settings', { visitGapMinutes: 41 })).status, 200);
    const jpeg = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#777' } }).jpeg().toBuffer();
    assert.ok(await h.store.crops.saveUnlessPaused({ kind: 'customer', personId: 'C-000001' }, { jpeg }));
  });
});
