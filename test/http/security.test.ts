import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ADMIN, Client, setUpAdmin, setupCodeFrom, startHarness, userClient, type Harness } from './harness.js';

class ManualClock {
  t = Date.parse('2026-11-24T10:00:00Z');
  now = () => this.t;
}

describe('set-up code flow', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('prints a one-time code, needs it for the first admin, then it is gone', async () => {
    const anon = new Client(h.url);
    const status = await anon.json('GET', '/api/v1/setup');
    assert.equal(status.status, 200);
    assert.equal(status.body.needsSetup, true);
    assert.match(status.body.deviceId, /^[0-9a-f-]{36}$/);
    // Nobody can sign in: there is no default account.
    assert.equal(await anon.login('admin', 'admin'), 401);

    const code = setupCodeFrom(h.logLines);
    assert.match(code, /^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const body = (setupCode: string) => ({
      setupCode,
      admin: ADMIN,
      site: { name: 'Corner shop', timezone: 'Europe/Berlin' },
      cloud: { url: 'https://cloud.example.test', claimCode: 'CLAIM-1234' },
    });
    const wrong = await anon.json('POST', '/api/v1/setup', body('AAAA-BBBB-CCCC'));
    assert.equal(wrong.status, 403);
    assert.equal(h.accounts.store.hasUsers(), false, 'a wrong code creates nobody');

    const badTz = await anon.json('POST', '/api/v1/setup', { ...body(code), site: { name: 'x', timezone: 'Mars/Olympus' } });
    assert.equal(badTz.status, 400);
    assert.equal(badTz.body.error.code, 'validation_failed');
    assert.equal(h.accounts.store.hasUsers(), false);

    const ok = await anon.json('POST', '/api/v1/setup', body(code.toLowerCase()));
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assert.equal(ok.body.user.role, 'admin');
    assert.equal(h.settings.get().site.timezone, 'Europe/Berlin');
    assert.equal(h.settings.get().site.name, 'Corner shop');
    assert.deepEqual(
      { url: h.accounts.getCloudClaim()?.url, code: h.accounts.getCloudClaim()?.claimCode },
      { url: 'https://cloud.example.test', code: 'CLAIM-1234' },
    );
    // Signed in straight away.
    assert.equal((await anon.json('GET', '/api/v1/auth/me')).body.actor.name, 'alice');

    const again = await new Client(h.url).json('POST', '/api/v1/setup', { ...body(code), admin: { username: 'mallory', password: 'mallory-password' } });
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'setup_done');
    assert.equal(h.accounts.store.listUsers().length, 1);
    const audit = await anon.json('GET', '/api/v1/audit');
    assert.ok(audit.body.items.some((e: any) => e.action === 'setup.completed' && e.actor.name === 'alice'));
  });
});

describe('set-up races', () => {
  let h: Harness;
  before(async () => (h = await startHarness()));
  after(() => h.close());

  it('two set-ups with the right code at once create one admin', async () => {
    const code = setupCodeFrom(h.logLines);
    const attempt = (username: string) =>
      new Client(h.url).json('POST', '/api/v1/setup', { setupCode: code, admin: { username, password: 'a-long-password' }, site: { name: 'S', timezone: 'UTC' } });
    const results = await Promise.all([attempt('first'), attempt('second')]);
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
    assert.equal(h.accounts.store.listUsers().length, 1);
  });
});

describe('sessions, CSRF, lockout, tokens, audit', () => {
  let h: Harness;
  let admin: Client;
  const clock = new ManualClock();
  before(async () => {
    h = await startHarness({ clock, loginLimits: { maxFailures: 5, lockMs: 15 * 60_000, maxLockMs: 3600_000, perAddress: 1000, windowMs: 60_000 } });
    admin = await setUpAdmin(h);
  });
  after(() => h.close());

  it('session cookie is HttpOnly and SameSite=Strict; the CSRF cookie is readable', async () => {
    const res = await fetch(h.url + '/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    assert.equal(res.status, 200);
    const cookies = res.headers.getSetCookie();
    const session = cookies.find((c) => c.startsWith('cva_session='))!;
    const csrf = cookies.find((c) => c.startsWith('cva_csrf='))!;
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Strict/);
    assert.doesNotMatch(csrf, /HttpOnly/);
    assert.match(csrf, /SameSite=Strict/);
  });

  it('unsafe requests with a session need the matching X-CSRF-Token header', async () => {
    const before = h.settings.get().visitGapMinutes;
    admin.sendCsrf = false;
    const missing = await admin.json('PATCH', '/api/v1/settings', { visitGapMinutes: 45 });
    assert.equal(missing.status, 403);
    assert.equal(missing.body.error.code, 'csrf_failed');
    const forged = await admin.fetch('PATCH', '/api/v1/settings', { visitGapMinutes: 45 }, { 'x-csrf-token': 'forged' });
    assert.equal(forged.status, 403);
    assert.equal(h.settings.get().visitGapMinutes, before, 'nothing changed');
    // GET needs no token, nor does signing in again (public routes act for nobody).
    assert.equal((await admin.json('GET', '/api/v1/settings')).status, 200);
    assert.equal((await admin.json('POST', '/api/v1/auth/login', ADMIN)).status, 200);
    admin.csrf = admin.cookies.get('cva_csrf')!;
    admin.sendCsrf = true;
    const ok = await admin.json('PATCH', '/api/v1/settings', { visitGapMinutes: 45 });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.body.changed, ['visitGapMinutes']);
    assert.deepEqual(ok.body.restartRequired, []);
    assert.equal(h.settings.get().visitGapMinutes, 45);
  });

  it('a restart-only setting is reported in restartRequired', async () => {
    const r = await admin.json('PATCH', '/api/v1/settings', { mqtt: { port: 1884, homeAssistantDiscovery: true }, site: { name: 'Shop 2' } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.changed.sort(), ['mqtt.homeAssistantDiscovery', 'mqtt.port', 'site.name']);
    // The broker is built once at start; the site name applies live.
    assert.deepEqual(r.body.restartRequired.sort(), ['mqtt.homeAssistantDiscovery', 'mqtt.port']);
  });

  it('locks a user after 5 wrong passwords, even for the right one, until the lock expires', async () => {
    const u = await userClient(h, admin, 'bob', 'viewer');
    assert.ok(u);
    const c = new Client(h.url);
    for (let i = 0; i < 5; i++) assert.equal(await c.login('bob', 'wrong-password-!'), 401);
    const locked = await c.json('POST', '/api/v1/auth/login', { username: 'bob', password: 'bob-password-123' });
    assert.equal(locked.status, 423);
    assert.equal(locked.body.error.code, 'locked');
    clock.t += 15 * 60_000 + 1;
    assert.equal(await c.login('bob', 'bob-password-123'), 200);
    const audit = await admin.json('GET', '/api/v1/audit?limit=200');
    assert.equal(audit.body.items.filter((e: any) => e.action === 'login.failed' && e.target === 'bob').length, 5);
  });

  it('API tokens: shown once, stored hashed, bearer needs no CSRF, revocation works', async () => {
    const created = await admin.json('POST', '/api/v1/tokens', { name: 'pos-system', role: 'manager' });
    assert.equal(created.status, 201);
    const token: string = created.body.token;
    assert.match(token, /^cva_[A-Za-z0-9_-]{40,}$/);
    const list = await admin.json('GET', '/api/v1/tokens');
    assert.ok(!JSON.stringify(list.body).includes(token), 'listing never shows the secret');
    const onDisk = await readFile(join(h.dir, 'accounts.json'), 'utf8');
    assert.ok(!onDisk.includes(token), 'only a hash is on disk');

    const integ = new Client(h.url);
    integ.bearer = token;
    const me = await integ.json('GET', '/api/v1/auth/me');
    assert.equal(me.body.actor.kind, 'token');
    assert.equal(me.body.actor.role, 'manager');
    const cam = await integ.json('POST', '/api/v1/cameras', { id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/stream' });
    assert.equal(cam.status, 403, 'manager lacks cameras.write');
    const note = await integ.json('PATCH', '/api/v1/settings', { visitGapMinutes: 30 });
    assert.equal(note.status, 403);

    const revoke = await admin.json('DELETE', `/api/v1/tokens/${created.body.info.id}`);
    assert.equal(revoke.status, 200);
    assert.equal((await integ.json('GET', '/api/v1/auth/me')).status, 401);
  });

  it('changing a password signs the user out everywhere; the last admin cannot be demoted', async () => {
    const c = await userClient(h, admin, 'carol', 'manager');
    const id = (await c.json('GET', '/api/v1/auth/me')).body.actor.id;
    const r = await admin.json('PATCH', `/api/v1/users/${id}`, { password: 'a-brand-new-password' });
    assert.equal(r.status, 200);
    assert.equal((await c.json('GET', '/api/v1/auth/me')).status, 401);

    const users = (await admin.json('GET', '/api/v1/users')).body.items;
    const alice = users.find((u: any) => u.username === 'alice');
    const demote = await admin.json('PATCH', `/api/v1/users/${alice.id}`, { role: 'viewer' });
    assert.equal(demote.status, 409);
    assert.equal(h.accounts.store.getUser(alice.id)?.role, 'admin');
  });

  it('logout ends the session', async () => {
    const c = await userClient(h, admin, 'dave', 'viewer');
    assert.equal((await c.json('POST', '/api/v1/auth/logout')).status, 200);
    assert.equal((await c.json('GET', '/api/v1/auth/me')).status, 401);
  });

  it('the audit log records who changed settings and who created cameras and users', async () => {
    const cam = await admin.json('POST', '/api/v1/cameras', { id: 'till', name: 'Till', url: 'rtsp://user:secret@127.0.0.1:8554/stream' });
    assert.equal(cam.status, 201);
    const audit = (await admin.json('GET', '/api/v1/audit?limit=500')).body.items;
    const by = (action: string) => audit.filter((e: any) => e.action === action);
    assert.ok(by('settings.changed').some((e: any) => e.actor.name === 'alice' && e.details.changed.includes('visitGapMinutes')));
    const camEntry = by('camera.created')[0];
    assert.equal(camEntry.target, 'till');
    assert.ok(!JSON.stringify(camEntry).includes('secret'), 'camera credentials are not audited');
    assert.equal(camEntry.details.url, 'rtsp://***@127.0.0.1:8554/stream', 'the user name is masked too');
    assert.ok(by('user.created').some((e: any) => e.target === 'bob'));
    assert.ok(by('token.created').length >= 1 && by('token.revoked').length >= 1);
    // Newest first, and cursor paging walks the rest.
    const page1 = (await admin.json('GET', '/api/v1/audit?limit=3')).body;
    assert.equal(page1.items.length, 3);
    assert.ok(page1.items[0].at >= page1.items[2].at);
    const page2 = (await admin.json('GET', `/api/v1/audit?limit=3&cursor=${page1.nextCursor}`)).body;
    assert.ok(!page2.items.some((e: any) => page1.items.some((f: any) => f.id === e.id)));
  });
});

describe('login rate limiting per address', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ loginLimits: { maxFailures: 100, lockMs: 60_000, maxLockMs: 60_000, perAddress: 4, windowMs: 60_000 } });
    await setUpAdmin(h);
  });
  after(() => h.close());

  it('answers 429 with Retry-After once an address has used its attempts', async () => {
    const c = new Client(h.url);
    for (let i = 0; i < 4; i++) assert.equal(await c.login(`user${i}`, 'whatever-password'), 401);
    const res = await c.fetch('POST', '/api/v1/auth/login', { username: 'alice', password: 'correct horse battery' });
    assert.equal(res.status, 429);
    assert.ok(Number(res.headers.get('retry-after')) > 0);
    assert.equal((await res.json()).error.code, 'rate_limited');
  });
});
