import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Db } from '../../cloud-sync/src/db/types.js';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { evaluateAlerts } from '../../cloud-sync/src/alerts/evaluate.js';
import { announceFirstRun } from '../../cloud-sync/src/people/first-run.js';
import { migrate } from '../../cloud-sync/src/db/migrate.js';
import type { Heartbeat } from '../../device/src/contracts/sync.js';
import type { Logger } from '../../device/src/util/log.js';
import { until } from '../mqtt/until.js';
import { api, makeTestDb, siteWithDevice, startCloud, type DbKind, type TestDb } from './harness.js';
import { batch, visit, visitItemOf } from './fixtures.js';
import { SessionClient } from './session-client.js';
import { startReceiver } from './webhook-receiver.js';

/** Captures log lines (the set-up code is read from them as a person reads the log). */
function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const l: Logger & { lines: string[] } = {
    lines,
    debug: (m) => void lines.push(m),
    info: (m) => void lines.push(m),
    warn: (m) => void lines.push(m),
    error: (m) => void lines.push(m),
    child: () => l,
  };
  return l;
}

export function heartbeat(over: Partial<Heartbeat> = {}): Heartbeat {
  return {
    uptimeSeconds: 100,
    versions: { app: '0.1.0' },
    cpuLoadPercent: 12,
    cpuTemperatureC: 51,
    memoryUsedBytes: 1e9,
    memoryTotalBytes: 4e9,
    diskUsedBytes: 10e9,
    diskTotalBytes: 32e9,
    cameras: [],
    outbox: { pendingItems: 0, pendingVisits: 0, pendingBytes: 0, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false },
    ...over,
  };
}

const camera = (analysedFps: number, state: 'running' | 'error' = 'running') => ({
  cameraId: 'door', state, lastError: state === 'error' ? 'connection refused' : null, decoder: 'avdec_h264', inputFps: 25, analysedFps,
  droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: 40, width: 1280, height: 720,
});

const porch = (fps: number, state: 'running' | 'error' = 'running') => ({ ...camera(fps, state), cameraId: 'porch' });

/** HQ's backend: first run, sessions + CSRF, lockout, invites, roles, sites, fleet facts, report defaults, alerts. */
export function hqSuite(kind: DbKind): void {
  describe(`HQ backend on ${kind}`, () => {
    let t: TestDb;
    let db: Db;
    let server: CloudServer;
    let url: string;
    const admin = () => new SessionClient(url);
    let boss: SessionClient;
    const password = 'correct horse battery';
    let hbSeq = 0;
    const sendHeartbeat = (dev: { deviceId: string; siteId: string; deviceToken: string }, hb: Heartbeat) => {
      const at = new Date(Date.now() - 1000 + hbSeq++).toISOString();
      return api(url, 'POST', '/api/ingest', dev.deviceToken, batch(dev.deviceId, dev.siteId, [{ key: `hb:${at}`, kind: 'heartbeat', at, payload: hb }]));
    };

    before(async () => {
      t = await makeTestDb(kind);
      db = t.db;
      ({ server, url } = await startCloud(db, {
        loginLimits: { maxFailures: 3, lockMs: 60_000, maxLockMs: 600_000, perAddress: 10_000, windowMs: 60_000 },
        alertIntervalMs: 3_600_000,
        deliveryIntervalMs: 200,
        deliveryBackoff: { baseMs: 200, maxMs: 1_000 },
      }));
    });
    after(async () => {
      await server.stop();
      await t.cleanup();
    });

    it('first run: a one-time code from the log creates the first admin without a restart; then it is spent', async () => {
      assert.deepEqual((await api(url, 'GET', '/api/session/state', null)).body, { needsFirstRun: true });
      const log = capture();
      await migrate(db);
      await announceFirstRun(db, log, url);
      const code = /SET-UP CODE: (\S+)/.exec(log.lines.join('\n'))![1];
      boss = admin();
      const wrong = await boss.call('POST', '/api/session/first-run', { setupCode: 'AAAA-BBBB-CCCC', organisation: 'Acme', email: 'boss@acme.example', password });
      assert.equal(wrong.status, 403);
      const weak = await boss.call('POST', '/api/session/first-run', { setupCode: code, organisation: 'Acme', email: 'boss@acme.example', password: 'short' });
      assert.equal(weak.status, 400);
      const ok = await boss.call('POST', '/api/session/first-run', { setupCode: code.toLowerCase(), organisation: 'Acme', email: 'Boss@Acme.example', password });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      assert.ok(boss.cookies.get('cva_hq_session'));
      const me = await boss.call('GET', '/api/me');
      assert.equal(me.body.email, 'boss@acme.example');
      assert.equal(me.body.role, 'org_admin');
      assert.equal(me.body.orgName, 'Acme');
      const again = await admin().call('POST', '/api/session/first-run', { setupCode: code, organisation: 'Evil', email: 'x@evil.example', password });
      assert.equal(again.status, 409);
      assert.deepEqual((await api(url, 'GET', '/api/session/state', null)).body, { needsFirstRun: false });
    });

    it('sessions need the CSRF header on writes; signing out ends them', async () => {
      const noCsrf = await boss.call('POST', '/api/sites', { name: 'Nowhere', timezone: 'UTC' }, { csrf: false });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.error.code, 'csrf_failed');
      const s = admin();
      assert.equal((await s.call('POST', '/api/session/sign-in', { email: 'boss@acme.example', password })).status, 200);
      assert.equal((await s.call('GET', '/api/me')).status, 200);
      assert.equal((await s.call('POST', '/api/session/sign-out')).status, 204);
      assert.equal((await s.call('GET', '/api/me')).status, 401);
    });

    it('wrong passwords lock the account (the appliance rules); the right one is refused while locked', async () => {
      const s = admin();
      for (let i = 0; i < 3; i++) assert.equal((await s.call('POST', '/api/session/sign-in', { email: 'boss@acme.example', password: 'wrong wrong wrong' })).status, 401);
      const locked = await s.call('POST', '/api/session/sign-in', { email: 'boss@acme.example', password });
      assert.equal(locked.status, 423);
      assert.ok(locked.body.error.details.retryAfterSeconds > 0);
      assert.equal((await s.call('POST', '/api/session/sign-in', { email: 'nobody@acme.example', password })).status, 401);
      await db.query(`update users set locked_until = now() - interval '1 second' where email = 'boss@acme.example'`); // the lock's minute has passed
      assert.equal((await s.call('POST', '/api/session/sign-in', { email: 'boss@acme.example', password })).status, 200);
    });

    let paris: Awaited<ReturnType<typeof siteWithDevice>>;
    let tokyo: Awaited<ReturnType<typeof siteWithDevice>>;
    let apiToken: string;

    it('invites, roles, regional isolation, disabling and revoking', async () => {
      const inv = await boss.call('POST', '/api/users', { email: 'ops@acme.example', role: 'org_admin', apiToken: true });
      assert.equal(inv.status, 201);
      apiToken = inv.body.token;
      const ops = admin();
      assert.equal((await ops.call('POST', '/api/session/invite', { code: inv.body.invite.code, password })).status, 200);
      paris = await siteWithDevice(url, apiToken, 'Paris', 'Europe/Paris');
      tokyo = await siteWithDevice(url, apiToken, 'Tokyo', 'Asia/Tokyo');

      const rm = await boss.call('POST', '/api/users', { email: 'rm@acme.example', role: 'regional_manager', siteIds: [paris.siteId], apiToken: false });
      assert.equal(rm.status, 201);
      assert.equal(rm.body.token, undefined);
      const manager = admin();
      assert.equal((await manager.call('POST', '/api/session/invite', { code: rm.body.invite.code, password: 'short' })).status, 400);
      assert.equal((await manager.call('POST', '/api/session/invite', { code: rm.body.invite.code, password })).status, 200);
      assert.equal((await admin().call('POST', '/api/session/invite', { code: rm.body.invite.code, password })).status, 403, 'an invite is single use');
      assert.deepEqual((await manager.call('GET', '/api/sites')).body.sites.map((s: any) => s.name), ['Paris']);
      assert.deepEqual((await manager.call('GET', '/api/fleet/devices')).body.devices.map((d: any) => d.siteName), ['Paris']);
      assert.equal((await manager.call('GET', `/api/fleet/devices/${tokyo.deviceId}`)).status, 404);
      assert.equal((await manager.call('GET', `/api/fleet/devices/${paris.deviceId}`)).status, 200);
      assert.equal((await manager.call('GET', `/api/reports/summary?sites=${tokyo.siteId}`)).status, 404);
      assert.equal((await manager.call('GET', '/api/users')).status, 403);

      const list = (await boss.call('GET', '/api/users')).body.users;
      assert.deepEqual(list.map((u: any) => [u.email, u.role, u.status]), [
        ['boss@acme.example', 'org_admin', 'active'], ['ops@acme.example', 'org_admin', 'active'], ['rm@acme.example', 'regional_manager', 'active'],
      ]);
      // Widening the manager's sites applies at once (their session is renewed by signing in again).
      assert.equal((await boss.call('PATCH', `/api/users/${rm.body.id}`, { siteIds: [paris.siteId, tokyo.siteId] })).status, 200);
      assert.equal((await manager.call('GET', '/api/sites')).status, 401, 'a role change ends the sessions');
      assert.equal((await manager.call('POST', '/api/session/sign-in', { email: 'rm@acme.example', password })).status, 200);
      assert.equal((await manager.call('GET', '/api/sites')).body.sites.length, 2);

      assert.equal((await boss.call('POST', `/api/users/${rm.body.id}/disable`)).status, 204);
      assert.equal((await manager.call('GET', '/api/sites')).status, 401);
      assert.equal((await manager.call('POST', '/api/session/sign-in', { email: 'rm@acme.example', password })).status, 401);
      assert.equal((await boss.call('POST', `/api/users/${rm.body.id}/enable`)).status, 204);
      assert.equal((await manager.call('POST', '/api/session/sign-in', { email: 'rm@acme.example', password })).status, 200);
      const me = (await boss.call('GET', '/api/me')).body;
      assert.equal((await boss.call('POST', `/api/users/${me.id}/disable`)).status, 400, 'no admin disables themselves');

      // Revoking the API token leaves the person's password sign-in alone.
      assert.equal((await boss.call('POST', `/api/users/${inv.body.id}/revoke`)).status, 204);
      assert.equal((await api(url, 'GET', '/api/me', apiToken)).status, 401);
      assert.equal((await ops.call('GET', '/api/me')).status, 200);
    });

    it('sites: edit (region, timezone), claim codes listed and revoked', async () => {
      const e = await boss.call('PATCH', `/api/sites/${paris.siteId}`, { region: 'West', timezone: 'Europe/Berlin' });
      assert.equal(e.status, 200, JSON.stringify(e.body));
      assert.equal(e.body.region, 'West');
      assert.equal((await boss.call('PATCH', `/api/sites/${paris.siteId}`, { timezone: 'Mars/Olympus' })).status, 400);
      assert.equal((await boss.call('PATCH', `/api/sites/${paris.siteId}`, {})).status, 400);
      const code = (await boss.call('POST', `/api/sites/${paris.siteId}/claim-codes`, {})).body.code;
      const codes = (await boss.call('GET', `/api/sites/${paris.siteId}/claim-codes`)).body.claimCodes;
      assert.deepEqual(codes.map((c: any) => c.state), ['active', 'used']);
      assert.equal((await boss.call('POST', `/api/claim-codes/${code}/revoke`)).status, 204);
      assert.equal((await api(url, 'POST', '/api/claim', null, { claimCode: code })).status, 403);
      assert.equal((await boss.call('GET', `/api/sites/${paris.siteId}/claim-codes`)).body.claimCodes[0].state, 'revoked');
    });

    it('a site renamed in HQ reaches the box; a later rename on the box reaches HQ; an older one does not', async () => {
      await boss.call('PATCH', `/api/sites/${paris.siteId}`, { name: 'Paris Rivoli' });
      const r1 = await sendHeartbeat(paris, heartbeat({ site: { name: 'My shop', nameChangedAt: null } }));
      assert.equal(r1.body.site.name, 'Paris Rivoli');
      const old = new Date(Date.now() - 3_600_000).toISOString();
      const r2 = await sendHeartbeat(paris, heartbeat({ site: { name: 'Old name', nameChangedAt: old } }));
      assert.equal(r2.body.site.name, 'Paris Rivoli');
      const now = new Date().toISOString();
      const r3 = await sendHeartbeat(paris, heartbeat({ site: { name: 'Paris Opéra', nameChangedAt: now } }));
      assert.equal(r3.body.site.name, 'Paris Opéra');
      const fleet = (await boss.call('GET', '/api/fleet/devices')).body.devices;
      assert.equal(fleet.find((d: any) => d.deviceId === paris.deviceId).siteName, 'Paris Opéra');
    });

    it('the fleet shows a running camera\'s analysed fps from the heartbeat, disk %, backlog and camera counts', async () => {
      const at = new Date().toISOString();
      await api(url, 'POST', '/api/ingest', paris.deviceToken, batch(paris.deviceId, paris.siteId, [{ key: `cam:door:${at}`, kind: 'cameraStatus', at, payload: camera(0) }]));
      await sendHeartbeat(paris, heartbeat({ cameras: [camera(9.5)] }));
      const d = (await boss.call('GET', '/api/fleet/devices')).body.devices.find((x: any) => x.deviceId === paris.deviceId);
      assert.equal(d.cameras[0].analysedFps, 9.5);
      assert.equal(d.camerasUp, 1);
      assert.equal(d.diskPercent, 31.3);
      assert.equal(d.backlog, 0);
      assert.equal(d.online, true);
      const detail = (await boss.call('GET', `/api/fleet/devices/${paris.deviceId}?hours=1`)).body;
      assert.ok(detail.history.points.length >= 1);
      assert.equal(detail.history.points.at(-1).analysedFps.door !== undefined, true);
      assert.equal((await boss.call('GET', `/api/fleet/devices/${paris.deviceId}?hours=0`)).status, 400);
    });

    it('reports default to the last 7 local days; staff names appear only while the box shares them', async () => {
      const r = await boss.call('GET', '/api/reports/summary');
      assert.equal(r.status, 200);
      const days = (Date.parse(r.body.to) - Date.parse(r.body.from)) / 86_400_000 + 1;
      assert.equal(days, 7);
      const today = new Date().toISOString().slice(0, 10);
      assert.ok(Math.abs(Date.parse(r.body.to) - Date.parse(today)) <= 86_400_000);
      const onlyFrom = await boss.call('GET', `/api/reports/summary?from=${r.body.from}`);
      assert.equal(onlyFrom.body.to, r.body.to);

      const arrived = new Date(Date.now() - 3 * 3600_000).toISOString();
      const left = new Date(Date.now() - 3600_000).toISOString();
      await api(url, 'POST', '/api/ingest', paris.deviceToken, batch(paris.deviceId, paris.siteId, [visitItemOf(visit({ id: 'st1', personId: 'S-9', kind: 'staff', arrivedAt: arrived, departedAt: left }))]));
      const names = async () => (await boss.call('GET', `/api/reports/staff-attendance?sites=${paris.siteId}`)).body.data.map((x: any) => x.displayName);
      assert.deepEqual(await names(), [null]);
      await sendHeartbeat(paris, heartbeat({ staffNames: [{ personId: 'S-9', displayName: 'Amélie' }] }));
      assert.deepEqual(await names(), ['Amélie']);
      const stored = await db.query(`select count(*)::int as n from heartbeats where payload ? 'staffNames'`);
      assert.equal((stored.rows[0] as any).n, 0, 'names never stay in the heartbeat history');
      await sendHeartbeat(paris, heartbeat({ staffNames: null }));
      assert.deepEqual(await names(), [null]);
    });

    it('alerts: fired once, signed, retried to a real receiver until delivered, then resolved', async () => {
      const receiver = await startReceiver(2);
      try {
        const w = await boss.call('PUT', '/api/alerts/webhook', { url: receiver.url });
        assert.equal(w.status, 200);
        assert.match(w.body.secret, /^whsec_/);
        assert.equal((await boss.call('POST', '/api/alerts/rules', { kind: 'disk_above', threshold: 150 })).status, 400);
        const rule = await boss.call('POST', '/api/alerts/rules', { kind: 'backlog_above', threshold: 100 });
        assert.equal(rule.status, 201);
        const full = heartbeat({ outbox: { pendingItems: 5000, pendingVisits: 4000, pendingBytes: 1e6, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false } });
        await sendHeartbeat(tokyo, full);
        // Two evaluators at once (two instances on PostgreSQL): one alert, one delivery.
        const other = kind === 'postgres' ? t.reopen() : db;
        const rounds = await Promise.all([evaluateAlerts(db), evaluateAlerts(other), evaluateAlerts(db)]);
        assert.equal(rounds.reduce((s, r) => s + r.fired, 0), 1);
        assert.equal((await evaluateAlerts(other)).fired, 0, 'still breaching: not fired again');
        await until('delivered after two failures', () => receiver.received.some((x) => x.answered === 200), 30_000);
        assert.equal(receiver.received.length, 3);
        const got = receiver.received[2];
        const body = JSON.parse(got.body);
        assert.equal(body.event, 'alert.fired');
        assert.equal(body.alert.kind, 'backlog_above');
        assert.equal(body.alert.deviceId, tokyo.deviceId);
        const [tPart, vPart] = String(got.headers['x-cva-signature']).split(',');
        const ts = tPart.slice(2);
        assert.equal(vPart.slice(3), createHmac('sha256', w.body.secret).update(`${ts}.${got.body}`).digest('hex'));
        assert.ok(receiver.received.every((x) => x.body === got.body), 'every attempt carries the same delivery');
        const history = (await boss.call('GET', '/api/alerts/history')).body.alerts;
        assert.equal(history.length, 1);
        assert.equal(history[0].delivery.status, 'delivered');
        assert.equal(history[0].delivery.attempts, 3);

        await sendHeartbeat(tokyo, heartbeat());
        assert.equal((await evaluateAlerts(db)).resolved, 1);
        await until('resolution delivered', () => receiver.received.filter((x) => x.answered === 200).length === 2, 30_000);
        assert.equal(JSON.parse(receiver.received.at(-1)!.body).event, 'alert.resolved');
        const manager = admin();
        await manager.call('POST', '/api/session/sign-in', { email: 'rm@acme.example', password });
        await boss.call('PATCH', `/api/users/${(await boss.call('GET', '/api/users')).body.users.find((u: any) => u.email === 'rm@acme.example').id}`, { siteIds: [paris.siteId] });
        await manager.call('POST', '/api/session/sign-in', { email: 'rm@acme.example', password });
        assert.equal((await manager.call('GET', '/api/alerts/history')).body.alerts.length, 0, "Tokyo's alert is not the Paris manager's");
        assert.equal((await manager.call('POST', '/api/alerts/rules', { kind: 'disk_above', threshold: 90 })).status, 403);
      } finally {
        await receiver.close();
      }
    });

    it('alerts: a camera down longer than its rule and a full disk fire; back to normal resolves them', async () => {
      const rules = [
        (await boss.call('POST', '/api/alerts/rules', { kind: 'camera_down', threshold: 5 })).body,
        (await boss.call('POST', '/api/alerts/rules', { kind: 'disk_above', threshold: 90 })).body,
      ];
      // The box reports a camera that failed ten minutes ago (its own stamp), and a data disk 97 % full.
      const downSince = new Date(Date.now() - 10 * 60_000).toISOString();
      await api(url, 'POST', '/api/ingest', paris.deviceToken, batch(paris.deviceId, paris.siteId, [{ key: `cam:porch:${downSince}`, kind: 'cameraStatus', at: downSince, payload: porch(0, 'error') }]));
      await sendHeartbeat(paris, heartbeat({ diskUsedBytes: 31e9, cameras: [porch(0, 'error')] }));
      await evaluateAlerts(db);
      const open = (await boss.call('GET', '/api/alerts/history')).body.alerts.filter((a: any) => !a.resolvedAt && a.siteId === paris.siteId);
      assert.deepEqual(open.map((a: any) => a.kind).sort(), ['camera_down', 'disk_above']);
      assert.match(open.find((a: any) => a.kind === 'camera_down').message, /camera porch .* error \(connection refused\)/);
      const now = new Date().toISOString();
      await api(url, 'POST', '/api/ingest', paris.deviceToken, batch(paris.deviceId, paris.siteId, [{ key: `cam:porch:${now}`, kind: 'cameraStatus', at: now, payload: porch(9) }]));
      await sendHeartbeat(paris, heartbeat({ cameras: [porch(9)] }));
      assert.equal((await evaluateAlerts(db)).resolved, 2);
      for (const r of rules) assert.equal((await boss.call('DELETE', `/api/alerts/rules/${r.id}`)).status, 204);
    });
  });
}
