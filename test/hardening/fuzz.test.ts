// The hostile tester, automated: a running appliance (real models, broker and HTTP server) gets ≥ 500
// generated malformed requests across every route of its OpenAPI document under every role, and ≥ 200
// abusive MQTT publishes. Asserts: no response ≥ 500, no unhandled error logged, the process and broker
// still serve, and nothing any role can read has changed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mqtt, { type MqttClient } from 'mqtt';
import { Appliance } from '../../device/src/appliance.js';
import { createLogger, type Logger } from '../../device/src/util/log.js';
import { Client, setupCodeFrom } from '../http/harness.js';
import { until } from '../mqtt/until.js';
import { rng as prng } from '../../scripts/bench/search.js';

/** The generator's seed (deterministic mulberry32): a failing run can be replayed with FUZZ_SEED. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261206);

/** Keeps info lines (the set-up code is among them) and every error line (an unhandled request error is a finding). */
function capturing(base: Logger, lines: string[], errors: string[]): Logger {
  return {
    ...base,
    info: (m, e) => void lines.push(m + (e ? JSON.stringify(e) : '')),
    error: (m, e) => {
      errors.push(`${m} ${e ? JSON.stringify(e) : ''}`);
      base.error(m, e);
    },
    child: (scope) => capturing(base.child(scope), lines, errors),
  };
}

interface Route {
  method: string;
  path: string;
  json: boolean;
  multipart: boolean;
  params: string[];
}

const BAD_IDS = ['%C0%AE', '%E0%A4%A', '..%2F..%2Fetc%2Fpasswd', 'a'.repeat(400), '%00', '%F0%9F%92%A5', '-', '%20%0D%0AX-Injected:%201', "C-1'%20or%20'1'%3D'1", '%2e%2e', 'S-999999', 'C-000000', 'R-0', 'customer~x~0~00'];
const BAD_JSON_TEXT = ['{"a":', '[]', '"str"', '42', 'true', '{"__proto__":{"visitGapMinutes":1,"role":"admin"}}', '{"constructor":{"prototype":{"x":1}}}', '[' .repeat(5000) + ']'.repeat(5000), '\u0000', '{"name":"\\ud800"}', '{"a":1,"a":2,"id":{"$gt":""}}'];
const BAD_QUERIES = ['limit=-1', 'limit=1e309', 'cursor=%ZZ', 'cursor=' + 'x'.repeat(3000), 'from=2026-02-31&to=yesterday', 'minDwell=NaN', 'fps=1e9', 'kind[]=x&kind[]=y', 'status=%00', 'from=0001-01-01T00:00:00Z&to=9999-12-31T00:00:00Z'];

function randomJson(r: () => number, depth = 0): unknown {
  const k = Math.floor(r() * (depth > 3 ? 6 : 9));
  switch (k) {
    case 0: return null;
    case 1: return r() < 0.5;
    case 2: return [-1, 0, 1e308, -1e308, 3e9, 0.5, Number.MAX_SAFE_INTEGER + 2][Math.floor(r() * 7)];
    case 3: return ['', ' ', 'x'.repeat(5000), '\u0000', '../../etc', 'rtsp://a:b@169.254.169.254/', 'file:///etc/shadow', 'Mars/Olympus', '<script>'][Math.floor(r() * 9)];
    case 4: return 'S-' + Math.floor(r() * 1e6);
    case 5: return { id: 123 };
    case 6: return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
    default: {
      const keys = ['name', 'id', 'url', 'role', 'password', 'username', 'timezone', 'site', 'cameras', 'mqtt', 'into', 'personId', 'samples', 'enabled', 'canWrite', 'zzz'];
      const o: Record<string, unknown> = {};
      for (let i = 0; i < 1 + Math.floor(r() * 4); i++) o[keys[Math.floor(r() * keys.length)]] = randomJson(r, depth + 1);
      return o;
    }
  }
}

describe('fuzz: a running appliance under malformed HTTP and MQTT', () => {
  let dir: string;
  let app: Appliance;
  let base: string;
  const errors: string[] = [];
  const clients: Record<string, Client> = {};
  let viewerToken = '';
  let routes: Route[] = [];

  const snapshot = async () => {
    const admin = clients.admin;
    const paths = ['/api/v1/settings', '/api/v1/cameras', '/api/v1/staff', '/api/v1/customers', '/api/v1/users', '/api/v1/tokens', '/api/v1/mqtt/accounts', '/api/v1/review', '/api/v1/visits', '/api/v1/setup'];
    const out: Record<string, unknown> = {};
    for (const p of paths) {
      const r = await admin.json('GET', p);
      assert.equal(r.status, 200, `${p}: ${JSON.stringify(r.body)}`);
      // Bookkeeping that reading itself updates is not state a request could have changed.
      out[p] = JSON.parse(JSON.stringify(r.body), (k, v) => (k === 'lastUsedAt' || k === 'lastLoginAt' || k === 'stats' ? undefined : v));
    }
    return out;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cva-fuzz-'));
    const lines: string[] = [];
    const log = capturing(createLogger('fuzz'), lines, errors);
    app = await Appliance.create({ dir, httpPort: 0, mqttPort: 0, log, env: {} });
    await app.start();
    base = app.parts.http.url();
    const admin = new Client(base);
    const setup = await admin.json('POST', '/api/v1/setup', { setupCode: setupCodeFrom(lines), admin: { username: 'admin', password: 'admin-password-123' }, site: { name: 'Fuzz shop', timezone: 'Europe/Berlin' } });
    assert.equal(setup.status, 201, JSON.stringify(setup.body));
    admin.csrf = setup.body.csrfToken;
    clients.admin = admin;
    for (const role of ['manager', 'viewer'] as const) {
      assert.equal((await admin.json('POST', '/api/v1/users', { username: role, password: `${role}-password-123`, role })).status, 201);
      const c = new Client(base);
      assert.equal(await c.login(role, `${role}-password-123`), 200);
      clients[role] = c;
    }
    viewerToken = (await admin.json('POST', '/api/v1/tokens', { name: 'dash', role: 'viewer' })).body.token;
    assert.equal((await admin.json('POST', '/api/v1/cameras', { id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:9/none', enabled: false })).status, 201);
    assert.equal((await admin.json('POST', '/api/v1/staff', { name: 'Penny' })).status, 201);
    for (const [username, canWrite] of [['fuzz-int', ['#']], ['fuzz-admin', []]] as const) {
      const r = await admin.json('POST', '/api/v1/mqtt/accounts', { username, password: `${username}-pw-123`, role: username === 'fuzz-admin' ? 'admin' : 'integration', canWrite });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
    const doc = (await admin.json('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> }; parameters?: { in: string; name: string }[] }>> };
    routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        json: !!op.requestBody?.content['application/json'],
        multipart: !!op.requestBody?.content['multipart/form-data'],
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
      })),
    );
  });
  after(async () => {
    await app?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('≥ 500 malformed requests over every route and role: no 5xx, no unhandled error, no state change', { timeout: 600_000 }, async () => {
    assert.ok(routes.length >= 50, `routes: ${routes.length}`);
    const before = await snapshot();
    const r = prng(SEED);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const statuses = new Map<number, number>();
    const findings: string[] = [];
    const covered = new Set<string>();
    const N = Math.max(600, routes.length * 10);
    for (let i = 0; i < N; i++) {
      const route = routes[i % routes.length];
      const unsafe = route.method !== 'GET';
      // What makes this request malformed: each option is one the API must refuse (or, for reads, ignore).
      const kinds = [
        'anonymous', 'bad-token', 'low-role', 'no-csrf',
        ...(route.params.length ? ['bad-param', 'bad-param'] : []),
        ...(route.json ? ['bad-json', 'wrong-types', 'wrong-content', 'gzip-lie'] : []),
        ...(route.multipart ? ['bad-multipart', 'bad-multipart'] : []),
        ...(!unsafe ? ['bad-query'] : []),
      ];
      const kind = pick(kinds);
      let path = route.path.replace(/\{(\w+)\}/g, () => (kind === 'bad-param' ? pick(BAD_IDS) : pick(['door', 'S-000001', 'C-000001', 'R-1', 'admin', 'x'])));
      if (kind === 'bad-query' || (!unsafe && r() < 0.3)) path += `?${pick(BAD_QUERIES)}`;
      const headers: Record<string, string> = {};
      let body: string | Uint8Array | undefined;
      let who: Client | null = pick([clients.admin, clients.manager, clients.viewer]);
      if (kind === 'anonymous') who = null;
      if (kind === 'bad-token') headers.authorization = `Bearer ${pick(['cva_nope', 'x', '', viewerToken + 'x', 'Bearer'])}`;
      if (kind === 'low-role') who = null, (headers.authorization = `Bearer ${viewerToken}`);
      if (kind === 'bad-json') (body = pick(BAD_JSON_TEXT)), (headers['content-type'] = 'application/json');
      if (kind === 'wrong-types') (body = JSON.stringify(randomJson(r))), (headers['content-type'] = 'application/json');
      if (kind === 'wrong-content') (body = 'name=x&role=admin'), (headers['content-type'] = pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']));
      if (kind === 'gzip-lie') (body = pick<string | Uint8Array>(['{"name":"x"}', new Uint8Array(gzipSync('{"name":').subarray(0, 12))])), (headers['content-type'] = 'application/json'), (headers['content-encoding'] = pick(['gzip', 'deflate', 'br', 'x-unknown']));
      if (kind === 'bad-multipart') {
        headers['content-type'] = pick(['multipart/form-data; boundary=zz', 'multipart/form-data', 'multipart/form-data; boundary=']);
        body = pick(['--zz\r\nContent-Disposition: form-data; name="photos"; filename="a.png"\r\n\r\n\x89PNG', '--zz\r\nbroken header\r\n\r\nx\r\n--zz--\r\n', 'garbage', '--zz--\r\n', `--zz\r\nContent-Disposition: form-data; name="photo"; filename="b.png"\r\nContent-Type: image/png\r\n\r\n${'\x89PNG\r\n\x1a\n'}\r\n--zz--\r\n`]);
      }
      const csrfBefore = who?.csrf ?? null;
      if (kind === 'no-csrf' && who) who.sendCsrf = false;
      let status = 0;
      try {
        const res = who
          ? await who.fetch(route.method, path, body, headers, AbortSignal.timeout(30_000))
          : await fetch(base + path, { method: route.method, headers, body: body as BodyInit | undefined, redirect: 'manual', signal: AbortSignal.timeout(30_000) });
        status = res.status;
        await res.body?.cancel().catch(() => {}); // live streams (MJPEG, SSE) answer 200 and never end
      } catch (e) {
        findings.push(`${route.method} ${path} [${kind}]: request failed: ${(e as Error).message}`);
      } finally {
        if (who) (who.sendCsrf = true), (who.csrf = csrfBefore);
      }
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      covered.add(`${route.method} ${route.path}`);
      if (status >= 500 || status === 0) findings.push(`${route.method} ${path} [${kind}] → ${status}`);
    }
    assert.deepEqual(findings, [], `statuses ${JSON.stringify([...statuses])}`);
    assert.equal(covered.size, routes.length, 'every route was hit');
    assert.ok([...statuses.values()].reduce((a, b) => a + b, 0) >= 500);
    assert.deepEqual(errors.filter((e) => /unhandled|uncaught/i.test(e)), []);
    // Still serving, and unchanged.
    assert.equal((await fetch(`${base}/api/v1/health`)).status, 200);
    assert.deepEqual(await snapshot(), before);
  });

  it('≥ 200 abusive MQTT publishes: the broker survives, the box’s topics and state are untouched', { timeout: 300_000 }, async () => {
    const before = await snapshot();
    const url = `mqtt://127.0.0.1:${app.parts.mqtt.broker.port}`;
    const r = prng(SEED + 1);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)];
    const open = (username: string) =>
      new Promise<MqttClient>((resolve, reject) => {
        const c = mqtt.connect(url, { username, password: `${username}-pw-123`, reconnectPeriod: 0, connectTimeout: 10_000 });
        c.once('connect', () => resolve(c));
        c.once('error', reject);
        c.once('close', () => reject(new Error('closed before CONNACK')));
      });
    const topics = ['cva/counts', 'cva/visits', 'cva/bridge/state', 'cva/bridge/info', 'cva/cameras/door/status', 'cva/bridge/request/health', 'cva/bridge/request/health_check', 'cva/bridge/request/info', 'cva/bridge/request/' + 'x'.repeat(70), 'cva/bridge/request/../../x', 'cva/bridge/response/health_check', '$SYS/broker/x', 'homeassistant/sensor/x/config', 'shop/any', 'cva/bridge/request/health/extra'];
    const payloads = (): Buffer => pick([
      Buffer.from('{"transaction":'), Buffer.from('null'), Buffer.from('[]'), Buffer.from('{"inShopNow":999,"staffInShopNow":0,"visitsToday":0,"at":"2026-01-01T00:00:00Z"}'),
      Buffer.from([0xff, 0xfe, 0x00, 0xc0, 0xae]), Buffer.alloc(300 * 1024, 0x61), Buffer.from('{"transaction":{"$gt":1}}'), Buffer.from(JSON.stringify(randomJson(r))), Buffer.alloc(0),
    ]);
    let sent = 0;
    let refusedConnections = 0;
    let c: MqttClient | null = null;
    for (let i = 0; i < 220; i++) {
      if (!c || !c.connected) {
        c?.end(true);
        c = await open(pick(['fuzz-int', 'fuzz-admin']));
      }
      const topic = pick(topics);
      // A refused publish closes the connection (expected); a QoS 1 publish then never sees its PUBACK.
      const closed = new Promise<'closed'>((res) => c!.once('close', () => res('closed')));
      const outcome = await Promise.race([
        c.publishAsync(topic, payloads(), { qos: pick([0, 1] as const), retain: r() < 0.4 }).then(() => 'sent' as const, () => 'closed' as const),
        closed,
      ]);
      if (outcome === 'closed' || !c.connected) refusedConnections++;
      sent++;
    }
    c?.end(true);
    assert.ok(sent >= 200);
    assert.ok(refusedConnections > 0, 'some publishes were refused');
    // The broker still answers requests, and no fake retained message sits on the box's topics.
    const admin = await open('fuzz-admin');
    const got = new Map<string, string>();
    admin.on('message', (t, p) => got.set(t, p.toString()));
    await admin.subscribeAsync(['cva/counts', 'cva/bridge/state', 'cva/bridge/response/health_check']);
    await admin.publishAsync('cva/bridge/request/health_check', '{"transaction":"t1"}', { qos: 1 });
    await until('a health response', () => got.has('cva/bridge/response/health_check'), 30_000);
    assert.equal(JSON.parse(got.get('cva/bridge/response/health_check')!).status, 'ok', got.get('cva/bridge/response/health_check'));
    assert.equal(JSON.parse(got.get('cva/bridge/state')!).state, 'online');
    assert.notEqual(got.get('cva/counts') && JSON.parse(got.get('cva/counts')!).inShopNow, 999);
    await admin.endAsync();
    assert.deepEqual(errors.filter((e) => /unhandled|uncaught/i.test(e)), []);
    assert.equal((await fetch(`${base}/api/v1/health`)).status, 200);
    assert.deepEqual(await snapshot(), before);
  });
});
