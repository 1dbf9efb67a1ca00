import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from '../../cloud-sync/src/db/types.js';
import { CloudServer } from '../../cloud-sync/src/server.js';
import { EventBus } from '../../device/src/events.js';
import { Backoff } from '../../device/src/util/backoff.js';
import { SyncService, type CloudTarget } from '../../device/src/sync/sync-service.js';
import { api, makeTestDb, newOrg, startCloud, type TestDb } from '../cloud/harness.js';
import { visitLifecycle } from './visit-events.js';
import { until } from '../mqtt/until.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { sighting, trackerRig } from '../visits/rig.js';

describe('device → cloud over HTTP (real PostgreSQL)', () => {
  let t: TestDb;
  let db: Db;
  let cloud: CloudServer;
  let url: string;
  let admin: string;
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'cva-sync-'));
    dirs.push(d);
    return d;
  };
  const newSite = async (name: string) => {
    const site = await api(url, 'POST', '/api/sites', admin, { name, timezone: 'Europe/Berlin' });
    const code = await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, admin, {});
    return { siteId: site.body.id as string, code: code.body.code as string };
  };
  const visitsOf = async (siteId: string) =>
    (await db.query<{ visit_id: string; status: string; n: number }>(
      `select visit_id, status, count(*) over (partition by visit_id)::int as n from visits where site_id = $1 order by visit_id`,
      [siteId],
    )).rows;
  const device = (dir: string, target: () => CloudTarget, bus = new EventBus()) => {
    const svc = new SyncService({ bus, dir, target, versions: { app: 'e2e' }, heartbeatIntervalMs: 3_600_000, backoff: new Backoff({ baseMs: 20, maxMs: 200, jitter: 'full' }) });
    return { bus, svc };
  };

  before(async () => {
    t = await makeTestDb('postgres');
    db = t.db;
    ({ server: cloud, url } = await startCloud(db));
    admin = (await newOrg(db, 'Endtoend')).token;
  });
  after(async () => {
    await cloud.stop();
    await t.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('claims with the claim code, then drains the outbox: visits and a heartbeat arrive', async () => {
    const { siteId, code } = await newSite('Drain');
    const { bus, svc } = device(tmp(), () => ({ url, claimCode: code }));
    await svc.start();
    await until('claim', () => svc.status().siteId === siteId);
    for (let i = 0; i < 5; i++) for (const e of visitLifecycle(`d${i}`, `C-${i}`, new Date(Date.UTC(2026, 1, 2, 9, i)))) bus.emit('visit', e);
    await until('drain', () => svc.status().backlog.pendingItems === 0 && svc.status().state === 'ready');
    const rows = await visitsOf(siteId);
    assert.deepEqual(rows.map((r) => [r.visit_id, r.status, r.n]), [0, 1, 2, 3, 4].map((i) => [`d${i}`, 'closed', 1]));
    await until('heartbeat', async () => (await api(url, 'GET', '/api/fleet/devices', admin)).body.devices.some((d: any) => d.siteId === siteId && d.online));
    const fleet = await api(url, 'GET', `/api/fleet/devices?sites=${siteId}`, admin);
    assert.equal(fleet.body.devices[0].versions.app, 'e2e');
    assert.ok(fleet.body.devices[0].cpuLoadPercent !== undefined);
    await svc.stop();
  });

  it('cloud down for a while, then up: nothing lost, nothing duplicated', async () => {
    const { siteId, code } = await newSite('Outage');
    // A second cloud instance on its own port (same database), which we take down and bring back.
    const inst = new CloudServer({ db: t.reopen(), port: 0 });
    await inst.start();
    const port = inst.port;
    const { bus, svc } = device(tmp(), () => ({ url: `http://127.0.0.1:${port}`, claimCode: code }));
    await svc.start();
    await until('claim', () => svc.status().siteId === siteId);
    await inst.stop();
    for (let i = 0; i < 20; i++) for (const e of visitLifecycle(`o${i}`, `C-${i}`, new Date(Date.UTC(2026, 1, 3, 9, i)))) bus.emit('visit', e);
    await until('offline', () => svc.status().state === 'offline' && svc.status().consecutiveFailures >= 2);
    assert.equal(svc.status().backlog.pendingVisits, 60);
    assert.equal((await visitsOf(siteId)).length, 0);
    const back = new CloudServer({ db: t.reopen(), port });
    await back.start();
    svc.syncNow();
    await until('drain', () => svc.status().backlog.pendingItems === 0 && svc.status().state === 'ready');
    const rows = await visitsOf(siteId);
    assert.equal(rows.length, 20);
    assert.ok(rows.every((r) => r.n === 1 && r.status === 'closed'));
    await svc.stop();
    await back.stop();
  });

  it('a revoked device is refused and keeps its backlog', async () => {
    const { siteId, code } = await newSite('Revoked');
    const { bus, svc } = device(tmp(), () => ({ url, claimCode: code }));
    await svc.start();
    await until('claim', () => svc.status().siteId === siteId);
    await api(url, 'POST', `/api/devices/${svc.status().deviceId}/revoke`, admin);
    for (const e of visitLifecycle('rv', 'C-1', new Date(Date.UTC(2026, 1, 4, 9)))) bus.emit('visit', e);
    await until('unauthorized', () => svc.status().state === 'unauthorized');
    assert.equal(svc.status().lastError?.status, 401);
    assert.equal(svc.status().backlog.pendingVisits, 3);
    assert.equal((await visitsOf(siteId)).length, 0);
    await svc.stop();
  });

  it('a new claim code moves the box to another site; a refused one keeps the current claim', async () => {
    const first = await newSite('Before move');
    const second = await newSite('After move');
    let target: CloudTarget = { url, claimCode: first.code };
    const { bus, svc } = device(tmp(), () => target);
    await svc.start();
    await until('first claim', () => svc.status().siteId === first.siteId);
    target = { url, claimCode: 'ZZZZ2222' };
    svc.syncNow();
    for (const e of visitLifecycle('mv1', 'C-1', new Date(Date.UTC(2026, 1, 5, 9)))) bus.emit('visit', e);
    await until('upload with the old claim', async () => (await visitsOf(first.siteId)).length === 1);
    target = { url, claimCode: second.code.toLowerCase() };
    svc.syncNow();
    await until('second claim', () => svc.status().siteId === second.siteId);
    for (const e of visitLifecycle('mv2', 'C-2', new Date(Date.UTC(2026, 1, 5, 10)))) bus.emit('visit', e);
    await until('upload to the new site', async () => (await visitsOf(second.siteId)).length === 1);
    await svc.stop();
  });

  it('a visit whose arrival moved earlier (a body seen before its face) replaces its row: one row, the new arrival', async () => {
    const { siteId, code } = await newSite('Earlier arrival');
    const arrived = Date.UTC(2026, 1, 6, 9);
    const clock = new ManualClock(arrived);
    const rig = await trackerRig(tmp(), clock, { updateMs: 1000 });
    const { svc } = device(tmp(), () => ({ url, claimCode: code }), rig.bus);
    await svc.start();
    await until('claim', () => svc.status().siteId === siteId);
    await rig.tracker.start();
    const cloudRows = async () =>
      (await db.query<{ visit_id: string; arrived_at: Date; dwell_seconds: number; detections: number }>(
        'select visit_id, arrived_at, dwell_seconds, detections from visits where site_id = $1', [siteId],
      )).rows.map((r) => [r.visit_id, r.arrived_at.toISOString(), r.dwell_seconds, r.detections]);
    const opened = await rig.tracker.observe(sighting(clock, 'C-1'));
    assert.ok(opened.ok);
    await until('the new visit', async () => (await cloudRows()).length === 1);
    assert.deepEqual(await cloudRows(), [[opened.value.id, new Date(arrived).toISOString(), 0, 1]]);
    // The person's body, seen 20 s before their face, joins the visit; the next tick sends the update.
    await rig.tracker.observe(sighting(clock, 'C-1', { at: arrived - 20_000, quality: 0 }));
    clock.advance(2000);
    await rig.tracker.tick();
    assert.equal(rig.events.at(-1)?.type, 'update');
    await until('the update', async () => (await cloudRows())[0]?.[3] === 2);
    assert.deepEqual(await cloudRows(), [[opened.value.id, new Date(arrived - 20_000).toISOString(), 20, 2]], 'moved in place, not a second row');
    await rig.tracker.stop();
    await svc.stop();
  });

  it('the device killed (SIGKILL) in the middle of an upload: after restart, no duplicates and nothing lost', async () => {
    const { siteId, code } = await newSite('Killed');
    const dir = tmp();
    let killed = false;
    let child: ReturnType<typeof spawn> | null = null;
    // A pass-through proxy that lets the cloud apply the first visit batch, then kills the device
    // before it can read the answer: the worst moment (cloud has it, device never acked it).
    const proxy: Server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks);
      const upstream = await fetch(url + req.url, { method: req.method, headers: { 'content-type': 'application/json', authorization: req.headers.authorization ?? '' }, body: body.length ? body : undefined });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (!killed && req.url === '/api/ingest' && body.includes('"kind":"visit"')) {
        killed = true;
        const exited = new Promise((r) => child!.once('exit', r));
        child!.kill('SIGKILL');
        await exited;
        res.destroy();
        return;
      }
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(answer);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', () => r()));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const childPath = fileURLToPath(new URL('./device-child.js', import.meta.url));
    const run = (emit: number) => {
      child = spawn(process.execPath, [childPath], {
        env: { ...process.env, SYNC_DIR: dir, CLOUD_URL: proxyUrl, CLAIM_CODE: code, EMIT: String(emit), BATCH: '50', LOG_LEVEL: 'error' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout!.on('data', (d) => (out += d));
      return new Promise<{ code: number | null; signal: string | null; out: string }>((r) => child!.once('exit', (c, s) => r({ code: c, signal: s, out })));
    };
    const first = await run(30);
    assert.equal(first.signal, 'SIGKILL');
    const appliedBeforeKill = (await visitsOf(siteId)).length;
    assert.ok(appliedBeforeKill > 0, 'the killed upload reached the cloud');
    const second = await run(0);
    assert.equal(second.code, 0, second.out);
    const status = JSON.parse(second.out.trim().split('\n').pop()!);
    assert.equal(status.backlog.pendingItems, 0);
    // The unacknowledged batch was sent again and the cloud recognised every replayed item.
    assert.ok(status.duplicateItems >= appliedBeforeKill, `duplicates ${status.duplicateItems}`);
    const rows = await visitsOf(siteId);
    assert.equal(rows.length, 30);
    assert.ok(rows.every((r) => r.n === 1 && r.status === 'closed'));
    await new Promise((r) => proxy.close(r));
  });
});
