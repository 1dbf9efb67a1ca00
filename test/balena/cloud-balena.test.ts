import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BalenaFleet, balenaFleetConfig } from '../../cloud-sync/src/balena/balena-fleet.js';
import { CloudServer } from '../../cloud-sync/src/server.js';
import { invitePerson } from '../../cloud-sync/src/people/people.js';
import { api, makeTestDb, newOrg, startCloud, type TestDb } from '../cloud/harness.js';
import { BalenaApiStandIn } from './balena-api-stand-in.js';

/**
 * HQ sees the fleet as balena does: cloud-sync with balena-sdk pointed (through its `apiUrl` option)
 * at a local stand-in for balena's API, on real PostgreSQL.
 */
const UUID = { a1: 'a1'.repeat(16), a2: 'a2'.repeat(16), b1: 'b1'.repeat(16) };

describe('cloud-sync with balena-sdk', () => {
  const balenaApi = new BalenaApiStandIn();
  let t: TestDb;
  let cloud: CloudServer;
  let url: string;
  let admin: string;
  let viewer: string;
  const site: Record<string, string> = {};
  const device: Record<string, string> = {};

  const claim = async (siteId: string, name: string, balenaUuid: string | null) => {
    const code = await api(url, 'POST', `/api/sites/${siteId}/claim-codes`, admin, {});
    const r = await api(url, 'POST', '/api/claim', null, { claimCode: code.body.code, deviceName: name, balenaUuid });
    assert.equal(r.status, 201, r.text);
    return r.body as { deviceId: string; token: string };
  };

  before(async () => {
    await balenaApi.start();
    balenaApi.addDevice(UUID.a1, 'shop-a-door');
    balenaApi.addDevice(UUID.a2, 'shop-a-till', { is_online: false, api_heartbeat_state: 'offline', overall_status: 'offline', last_connectivity_event: '2026-12-05T21:00:00.000Z' });
    balenaApi.addDevice(UUID.b1, 'shop-b-door', { overall_status: 'updating', update_status: 'downloading', overall_progress: 40 });
    t = await makeTestDb('postgres');
    const config = balenaFleetConfig({ BALENA_API_KEY: balenaApi.apiKey, BALENA_FLEET: 'acme/cva', BALENA_API_URL: balenaApi.url });
    assert.ok(config);
    const org = await newOrg(t.db, 'Acme');
    admin = org.token;
    cloud = new CloudServer({ db: t.db, port: 0, rollupIntervalMs: 3_600_000, balena: new BalenaFleet({ ...config, cacheMs: 0 }) });
    await cloud.start();
    url = `http://127.0.0.1:${cloud.port}`;
    for (const name of ['A', 'B']) site[name] = (await api(url, 'POST', '/api/sites', admin, { name: `Shop ${name}`, timezone: 'Europe/Berlin' })).body.id;
    const me = await api(url, 'GET', '/api/me', admin);
    viewer = (await invitePerson(t.db, me.body, { email: 'analyst@acme.example', role: 'analyst' })).token!;
    device.a1 = (await claim(site.A, 'A door', UUID.a1)).deviceId;
    device.a2 = (await claim(site.A, 'A till', UUID.a2)).deviceId;
    device.b1 = (await claim(site.B, 'B door', UUID.b1)).deviceId;
    device.plain = (await claim(site.B, 'B laptop', null)).deviceId;
  });
  after(async () => {
    await cloud.stop();
    await t.cleanup();
    await balenaApi.stop();
  });

  it('fleet rows gain balena\'s view, joined on the balena UUID the box reported', async () => {
    const r = await api(url, 'GET', '/api/fleet/devices', admin);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.balena, { configured: true, fleet: 'acme/cva', error: null });
    const byId = new Map<string, any>(r.body.devices.map((d: any) => [d.deviceId, d]));
    const a1 = byId.get(device.a1).balena;
    assert.deepEqual(
      [a1.uuid, a1.deviceName, a1.online, a1.status, a1.osVersion, a1.supervisorVersion, a1.runningRelease, a1.targetRelease, a1.pinnedRelease],
      [UUID.a1, 'shop-a-door', true, 'idle', 'balenaOS 6.0.24+rev1', '16.7.8', balenaApi.releases[1].commit, balenaApi.releases[1].commit, null],
    );
    const a2 = byId.get(device.a2).balena;
    assert.deepEqual([a2.online, a2.heartbeat, a2.lastConnectivityAt], [false, 'offline', '2026-12-05T21:00:00.000Z']);
    const b1 = byId.get(device.b1).balena;
    assert.deepEqual([b1.status, b1.updateStatus, b1.progress], ['updating', 'downloading', 40]);
    assert.equal(byId.get(device.plain).balena, null, 'no balena UUID: heartbeats only');
    // Every request carried the API key; the SDK went to the configured apiUrl.
    assert.ok(balenaApi.requests.length > 0);
  });

  it('pins a site\'s boxes to a release (staged rollout), then lets them follow the fleet again', async () => {
    const good = balenaApi.releases[0].commit;
    const r = await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, { release: good });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body, { siteId: site.A, release: good, devices: 2 });
    const pinned = new Map(balenaApi.devices.map((d) => [d.uuid, d.pinned]));
    assert.deepEqual([pinned.get(UUID.a1), pinned.get(UUID.a2), pinned.get(UUID.b1)], [71, 71, null], 'only site A moved');
    const fleet = await api(url, 'GET', `/api/fleet/devices?sites=${site.A}`, admin);
    assert.ok(fleet.body.devices.every((d: any) => d.balena.pinnedRelease === good && d.balena.targetRelease === good));

    const back = await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, { release: null });
    assert.equal(back.status, 200, back.text);
    assert.ok(balenaApi.devices.every((d) => d.pinned === null));
  });

  it('restarts one box\'s service through balena', async () => {
    const r = await api(url, 'POST', `/api/devices/${device.b1}/balena/restart`, admin);
    assert.equal(r.status, 202, r.text);
    assert.deepEqual(balenaApi.restarts.at(-1), { deviceId: 3, appId: balenaApi.app.id });
  });

  it('bad input and the wrong people change nothing', async () => {
    const before = balenaApi.requests.filter((x) => x.method !== 'GET').length;
    const bad = [
      await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, { release: 'latest' }),
      await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, { release: 42 }),
      await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, {}),
      await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, admin, undefined, '{"release":'),
    ];
    assert.deepEqual(bad.map((x) => x.status), [400, 400, 400, 400]);
    assert.equal((await api(url, 'PUT', '/api/sites/site_nope/balena/release', admin, { release: null })).status, 404);
    assert.equal((await api(url, 'POST', '/api/devices/dev_nope/balena/restart', admin)).status, 404);
    assert.equal((await api(url, 'POST', `/api/devices/${device.plain}/balena/restart`, admin)).status, 409, 'not on balena');
    assert.equal((await api(url, 'POST', `/api/devices/${device.a1}/balena/restart`, viewer)).status, 403);
    assert.equal((await api(url, 'PUT', `/api/sites/${site.A}/balena/release`, viewer, { release: null })).status, 403);
    assert.equal((await api(url, 'POST', `/api/devices/${device.a1}/balena/restart`, null)).status, 401);
    // A failed build (or an unknown commit) is not a release one can pin to: 404, nothing pinned.
    for (const release of [balenaApi.releases[2].commit, 'f'.repeat(40)]) {
      const failed = await api(url, 'PUT', `/api/sites/${site.B}/balena/release`, admin, { release });
      assert.equal(failed.status, 404, failed.text);
      assert.equal(failed.body.error.code, 'release_not_found');
    }
    assert.ok(balenaApi.devices.every((d) => d.pinned === null));
    assert.equal(balenaApi.requests.filter((x) => x.method !== 'GET').length, before);
  });

  it('without BALENA_API_KEY and a fleet, the fleet works from heartbeats alone', async () => {
    assert.equal(balenaFleetConfig({}), null);
    assert.equal(balenaFleetConfig({ BALENA_API_KEY: 'x' }), null);
    assert.throws(() => balenaFleetConfig({ BALENA_API_KEY: 'x', BALENA_FLEET: 'nofleet' }), /organisation\/fleet/);
    const t2 = await makeTestDb('postgres');
    const { server, url: u2 } = await startCloud(t2.db);
    try {
      const token = (await newOrg(t2.db, 'Plain')).token;
      const r = await api(u2, 'GET', '/api/fleet/devices', token);
      assert.deepEqual(r.body.balena, { configured: false, fleet: null, error: null });
      const s = (await api(u2, 'POST', '/api/sites', token, { name: 'X', timezone: 'UTC' })).body.id;
      assert.equal((await api(u2, 'PUT', `/api/sites/${s}/balena/release`, token, { release: null })).status, 409);
    } finally {
      await server.stop();
      await t2.cleanup();
    }
  });

  it('the balena API failing leaves the heartbeat view and says why', async () => {
    const broken = new CloudServer({ db: t.db, port: 0, rollupIntervalMs: 3_600_000, balena: new BalenaFleet({ apiKey: 'wrong-key', fleet: 'acme/cva', apiUrl: balenaApi.url, cacheMs: 0 }) });
    await broken.start();
    try {
      const r = await api(`http://127.0.0.1:${broken.port}`, 'GET', '/api/fleet/devices', admin);
      assert.equal(r.status, 200);
      assert.equal(r.body.balena.configured, true);
      assert.match(r.body.balena.error, /balena API/);
      assert.ok(r.body.devices.length >= 4 && r.body.devices.every((d: any) => d.balena === null));
    } finally {
      await broken.stop();
    }
  });
});
