import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { balenaControl } from '../../device/src/balena/balena-control.js';
import { BalenaService, SupervisorUnavailableError } from '../../device/src/balena/balena-service.js';
import { restartHandler } from '../../device/src/balena/restart.js';
import { UpdateLock } from '../../device/src/balena/update-lock.js';
import { Heartbeat } from '../../device/src/contracts/sync.js';
import { SystemHealth } from '../../device/src/health/system-health.js';
import { collectHeartbeat } from '../../device/src/sync/heartbeat.js';
import { createLogger } from '../../device/src/util/log.js';
import { Client, startHarness, setUpAdmin, userClient, type Harness } from '../http/harness.js';
import { SupervisorStandIn } from './supervisor-stand-in.js';

const log = createLogger('test');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'cva-sup-'));
  dirs.push(d);
  return d;
};

describe('balena supervisor (against a local stand-in answering the documented API)', () => {
  const sup = new SupervisorStandIn();
  before(() => sup.start());
  after(async () => {
    await sup.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('outside balena everything is absent and says so', async () => {
    const svc = new BalenaService({ env: {} });
    await svc.start();
    const st = svc.status();
    assert.equal(svc.present, false);
    assert.equal(st.available, false);
    assert.match(st.reason!, /BALENA_SUPERVISOR_ADDRESS and BALENA_SUPERVISOR_API_KEY are not set/);
    await assert.rejects(svc.blink(), SupervisorUnavailableError);
    await svc.stop();
  });

  it('reads device name, update status and release from the supervisor', async () => {
    sup.state = { ...sup.state, status: 'Downloading', updatePending: true, downloadProgress: 84, appState: 'applying' };
    const svc = new BalenaService({ env: sup.env(), intervalMs: 3_600_000 });
    await svc.start();
    const st = svc.status();
    assert.equal(st.available, true);
    assert.equal(st.reason, null);
    assert.equal(st.deviceName, 'holy-wildflower');
    assert.equal(st.deviceUuid, '1c7e0a5b2f8d4e6a9b3c5d7e9f1a2b3c');
    assert.equal(st.deviceType, 'jetson-orin-nano-devkit-nvme');
    assert.equal(st.releaseHash, sup.state.commit, 'without BALENA_RELEASE_HASH: the supervisor\'s commit');
    assert.deepEqual([st.updateStatus, st.updatePending, st.downloadProgress, st.appState], ['Downloading', true, 84, 'applying']);
    assert.equal(st.supervisorVersion, '16.7.8');
    assert.ok(st.checkedAt);
    assert.ok(sup.calls.every((c) => c.apikey === sup.apiKey));
    // The device is renamed in the dashboard: the next read shows it.
    sup.state.deviceName = 'shop-42-door';
    await svc.poll();
    assert.equal(svc.status().deviceName, 'shop-42-door');
    await svc.stop();

    const pinned = new BalenaService({ env: sup.env({ BALENA_RELEASE_HASH: 'f'.repeat(32) }) });
    await pinned.start();
    assert.equal(pinned.status().releaseHash, 'f'.repeat(32), 'BALENA_RELEASE_HASH wins');
    await pinned.stop();
  });

  it('a wrong key or a dead supervisor is reported, never thrown', async () => {
    const wrong = new BalenaService({ env: sup.env({ BALENA_SUPERVISOR_API_KEY: 'nope' }) });
    await wrong.start();
    assert.equal(wrong.status().available, false);
    assert.match(wrong.status().lastError!, /401/);
    await wrong.stop();
    const dead = new BalenaService({ env: sup.env({ BALENA_SUPERVISOR_ADDRESS: 'http://127.0.0.1:1' }) });
    await dead.start();
    assert.equal(dead.status().available, false);
    assert.match(dead.status().lastError!, /unreachable/);
    await dead.stop();
  });

  it('restarts through the supervisor (restart-service by name), falling back to exiting', async () => {
    const svc = new BalenaService({ env: sup.env() });
    let exits = 0;
    const before = sup.calls.length;
    await restartHandler(svc, () => exits++, log)('requested by alice');
    const call = sup.calls.slice(before).find((c) => c.method === 'POST');
    assert.deepEqual([call?.path, call?.body], [`/v2/applications/${sup.state.appId}/restart-service`, { serviceName: 'main', force: true }]);
    assert.equal(exits, 0, 'the supervisor restarts us: no exit');

    const noName = new BalenaService({ env: sup.env({ BALENA_SERVICE_NAME: '' }) });
    await restartHandler(noName, () => exits++, log)('x');
    assert.deepEqual(sup.calls.at(-1)?.path, '/v1/restart');
    assert.deepEqual(sup.calls.at(-1)?.body, { appId: sup.state.appId, force: true });

    const refusing = new BalenaService({ env: sup.env({ BALENA_APP_ID: '999' }) }); // the stand-in answers 404
    await restartHandler(refusing, () => exits++, log)('x');
    assert.equal(exits, 1, 'the supervisor refused: exit instead');
    await restartHandler(new BalenaService({ env: {} }), () => exits++, log)('x');
    assert.equal(exits, 2, 'outside balena: exit');
  });

  it('health and heartbeats carry the lock and the supervisor\'s view', async () => {
    const lock = new UpdateLock({ path: join(tmp(), 'updates.lock') });
    const svc = new BalenaService({ env: sup.env() });
    await svc.start();
    const control = balenaControl(lock, svc);
    const release = await lock.acquire('backup');
    const health = await new SystemHealth({ cameraStats: () => [], detectorMs: () => null, balena: () => control.report() }).report();
    assert.equal(health.updateLock?.held, true);
    assert.deepEqual(health.updateLock?.reasons, ['backup']);
    assert.equal(health.balena?.deviceName, sup.state.deviceName);
    const outbox = { pendingItems: 0, pendingVisits: 0, pendingBytes: 0, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false };
    const hb = await collectHeartbeat({ versions: { app: 't' }, cameras: [], outbox, dataPath: tmpdir(), balena: control.report() });
    const parsed = Heartbeat.parse(JSON.parse(JSON.stringify(hb)));
    assert.deepEqual(parsed.updateLock?.reasons, ['backup']);
    assert.equal(parsed.balena?.releaseHash, sup.state.commit);
    await release();
    await svc.stop();
    await lock.stop();
  });

  describe('HTTP: GET /api/v1/system/balena and POST /api/v1/system/blink', () => {
    let h: Harness;
    let admin: Client;
    let lock: UpdateLock;
    let svc: BalenaService;
    before(async () => {
      lock = new UpdateLock({ path: join(tmp(), 'updates.lock') });
      svc = new BalenaService({ env: sup.env() });
      await svc.start();
      const control = balenaControl(lock, svc);
      const health = new SystemHealth({ cameraStats: () => [], detectorMs: () => null, balena: () => control.report() }, { cacheMs: 0 });
      h = await startHarness({ deps: { balena: control, health } });
      admin = await setUpAdmin(h);
    });
    after(async () => {
      await h.close();
      await svc.stop();
      await lock.stop();
    });

    it('the System view reads the lock (state and reason) and the supervisor', async () => {
      const release = await lock.acquire('opening hours');
      const r = await admin.json('GET', '/api/v1/system/balena');
      assert.equal(r.status, 200);
      assert.equal(r.body.updateLock.held, true);
      assert.deepEqual(r.body.updateLock.reasons, ['opening hours']);
      assert.equal(r.body.balena.available, true);
      assert.equal(r.body.balena.deviceName, sup.state.deviceName);
      const details = await admin.json('GET', '/api/v1/health/details');
      assert.deepEqual([details.body.updateLock.held, details.body.updateLock.reasons, details.body.balena.available], [true, ['opening hours'], true]);
      const metrics = await (await admin.fetch('GET', '/metrics')).text();
      assert.match(metrics, /^cva_update_lock_held\{reasons="opening hours"\} 1$/m);
      await release();
      const viewer = await userClient(h, admin, 'vera', 'viewer');
      assert.equal((await viewer.json('GET', '/api/v1/system/balena')).body.updateLock.held, false);
    });

    it('blink asks the supervisor, answers 202 and is audited', async () => {
      const before = sup.calls.length;
      const r = await admin.json('POST', '/api/v1/system/blink');
      assert.equal(r.status, 202);
      assert.deepEqual([r.body.blinking, r.body.seconds], [true, 15]);
      assert.ok(sup.calls.slice(before).some((c) => c.method === 'POST' && c.path === '/v1/blink' && c.apikey === sup.apiKey));
      const audit = await admin.json('GET', '/api/v1/audit');
      assert.ok(audit.body.items.some((i: any) => i.action === 'system.blink'));
    });

    it('signed out: 401; outside balena: 409 with the reason, nothing sent', async () => {
      assert.equal((await new Client(h.url).json('POST', '/api/v1/system/blink')).status, 401);
      const off = await startHarness({ deps: { balena: balenaControl(lock, new BalenaService({ env: {} })) } });
      const offAdmin = await setUpAdmin(off);
      const before = sup.calls.length;
      const r = await offAdmin.json('POST', '/api/v1/system/blink');
      assert.equal(r.status, 409);
      assert.match(r.body.error.message, /not running under balena/);
      assert.equal(sup.calls.length, before);
      const st = await offAdmin.json('GET', '/api/v1/system/balena');
      assert.deepEqual([st.body.balena.available, st.body.updateLock.held], [false, false]);
      await off.close();
    });
  });
});
