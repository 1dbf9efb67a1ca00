import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { UpdateLock } from '../../device/src/balena/update-lock.js';
import { EventBus } from '../../device/src/events.js';
import { SyncService } from '../../device/src/sync/sync-service.js';
import { Backoff } from '../../device/src/util/backoff.js';
import { api, makeTestDb, newOrg, startCloud, type TestDb } from '../cloud/harness.js';
import { until } from '../mqtt/until.js';
import { visitLifecycle } from '../sync/visit-events.js';

/**
 * Upload batches run under balena's update lock: a transparent proxy in front of the real cloud-sync
 * (PostgreSQL) looks at the lock file at the moment each batch arrives.
 */
let t: TestDb;
let cloud: CloudServer;
let url: string;
let proxy: Server;
let proxyUrl: string;
const dir = mkdtempSync(join(tmpdir(), 'cva-upload-lock-'));
const lockPath = join(dir, 'updates.lock');
const seenAtIngest: boolean[] = [];

before(async () => {
  t = await makeTestDb('postgres');
  ({ server: cloud, url } = await startCloud(t.db));
  const target = new URL(url);
  proxy = createServer((req, res) => {
    if (req.url?.startsWith('/api/ingest')) seenAtIngest.push(existsSync(lockPath));
    const up = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    req.pipe(up);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise<void>((r) => proxy.close(() => r()));
  await cloud.stop();
  await t.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

it('every upload batch is sent and acknowledged under the update lock, released after', async () => {
  const admin = (await newOrg(t.db, 'Lockshop')).token;
  const site = await api(url, 'POST', '/api/sites', admin, { name: 'Locked', timezone: 'Europe/Berlin' });
  const code = (await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, admin, {})).body.code as string;
  const lock = new UpdateLock({ path: lockPath });
  await lock.start();
  const bus = new EventBus();
  const svc = new SyncService({
    bus,
    dir: join(dir, 'sync'),
    target: () => ({ url: proxyUrl, claimCode: code }),
    versions: { app: 'lock-test' },
    heartbeatIntervalMs: 3_600_000,
    maxBatchItems: 3,
    backoff: new Backoff({ baseMs: 20, maxMs: 200, jitter: 'full' }),
    updateLock: lock,
    balena: () => ({ updateLock: lock.state(), balena: { available: false, reason: 'test', deviceUuid: null, deviceName: null, deviceType: null, releaseHash: null, updateStatus: null, updatePending: null, updateDownloaded: null, updateFailed: null, downloadProgress: null, appState: null, osVersion: null, supervisorVersion: null, checkedAt: null, lastError: null } }),
  });
  await svc.start();
  await until('claim', () => svc.status().siteId === site.body.id);
  for (let i = 0; i < 4; i++) for (const e of visitLifecycle(`L${i}`, `C-${i}`, new Date(Date.UTC(2026, 1, 2, 9, i)))) bus.emit('visit', e);
  await until('drain', () => svc.status().backlog.pendingItems === 0 && svc.status().state === 'ready', 60_000);
  assert.ok(seenAtIngest.length >= 3, `several batches of at most 3 items (${seenAtIngest.length})`);
  assert.ok(seenAtIngest.every(Boolean), 'the lock file existed while each batch was in flight');
  assert.equal(existsSync(lockPath), false, 'released once the outbox drained');
  // Heartbeats tell HQ about the lock.
  await svc.enqueueHeartbeat();
  const fleetRow = async () => (await api(url, 'GET', `/api/fleet/devices?sites=${site.body.id}`, admin)).body.devices[0];
  await until('heartbeat at HQ', async () => (await fleetRow())?.updateLock != null, 60_000);
  const row = await fleetRow();
  assert.equal(row.updateLock.path, lockPath, 'heartbeats carry the lock state to HQ');
  assert.equal(row.supervisor.available, false);
  await svc.stop();
  await lock.stop();
});
