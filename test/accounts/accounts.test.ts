import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, sha256, verifyPassword } from '../../device/src/util/passwords.js';
import { LoginLimiter } from '../../device/src/util/login-limiter.js';
import { SessionStore } from '../../device/src/accounts/sessions.js';
import { Permission, Role, rolePermissions } from '../../device/src/contracts/roles.js';
import { Accounts } from '../../device/src/accounts/accounts.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { createLogger } from '../../device/src/util/log.js';

const clockAt = (t: number) => ({ t, now() { return this.t; } });
const quiet = { ...createLogger('t'), info: () => {} };

describe('passwords', () => {
  it('scrypt hashes verify, are salted, and reject wrong passwords', async () => {
    const a = await hashPassword('hunter2-hunter2');
    const b = await hashPassword('hunter2-hunter2');
    assert.match(a, /^scrypt\$32768\$/);
    assert.notEqual(a, b);
    assert.equal(await verifyPassword('hunter2-hunter2', a), true);
    assert.equal(await verifyPassword('hunter2-hunter3', a), false);
    assert.equal(await verifyPassword('x', 'garbage'), false);
  });

  it('hashes stored by the earlier user-account and MQTT-account hashers still verify', async () => {
    // Made by the two implementations this module replaced (accounts: N$salt$hash; MQTT: N$r$p$salt$hash).
    const userForm = 'scrypt$32768$6Jm4UzJ92axUVbD3F2bQiw==$D7ZrN1whv6qWi4HNPDICr4/AxDdRDSr0ORIA2iTaKYs=';
    const mqttForm =
      'scrypt$16384$8$1$+EGy7iY0/fODWNWO2wkgrQ==$Jsf2e5MrsDnxLslOJ4+aMxg+SShBu8lyRMXbtyUH/PoQTeT98xKoHpT5PhOTuwTa//CT0aDGnmaqC8h3a3OUbw==';
    for (const stored of [userForm, mqttForm]) {
      assert.equal(await verifyPassword('correct horse battery', stored), true, stored);
      assert.equal(await verifyPassword('correct horse batterY', stored), false, stored);
    }
    assert.match(await hashPassword('correct horse battery'), /^scrypt\$32768\$8\$1\$[^$]+\$[^$]+$/);
  });

  it('stored hashes with out-of-range or malformed parameters are no match, not an error', async () => {
    const [, , , , salt, hash] = (await hashPassword('pw-pw-pw-pw')).split('$');
    for (const bad of [`scrypt$1000$8$1$${salt}$${hash}`, `scrypt$${1 << 22}$8$1$${salt}$${hash}`, `scrypt$32768$0$1$${salt}$${hash}`, `scrypt$32768$8$1$${salt}$`, `bcrypt$32768$8$1$${salt}$${hash}`])
      assert.equal(await verifyPassword('pw-pw-pw-pw', bad), false, bad);
    assert.equal(await verifyPassword('pw-pw-pw-pw', `scrypt$32768$8$1$${salt}$${hash}`), true);
  });
});

describe('roles matrix', () => {
  it('viewer ⊂ manager ⊂ admin, admin has everything, only admins manage users, tokens, MQTT, metrics', () => {
    for (const p of rolePermissions.viewer) assert.ok(rolePermissions.manager.has(p), p);
    for (const p of rolePermissions.manager) assert.ok(rolePermissions.admin.has(p), p);
    assert.equal(rolePermissions.admin.size, Permission.options.length);
    for (const p of ['users.manage', 'tokens.manage', 'mqtt.manage', 'metrics.read', 'settings.write', 'system.restart'] as const)
      for (const r of Role.options) assert.equal(rolePermissions[r].has(p), r === 'admin' || (r === 'metrics' && p === 'metrics.read'), `${r} ${p}`);
    assert.deepEqual([...rolePermissions.metrics], ['metrics.read'], 'a metrics token reads /metrics, nothing else');
  });
});

describe('login limiter', () => {
  it('locks after maxFailures, escalates, and unlocks after the lock time', () => {
    const clock = clockAt(0);
    const l = new LoginLimiter({ maxFailures: 3, lockMs: 1000, maxLockMs: 3000, perAddress: 100, windowMs: 60_000 }, clock);
    for (let i = 0; i < 3; i++) {
      assert.equal(l.check('Eve', 'a').allowed, true);
      l.recordFailure('eve');
    }
    const g = l.check('EVE', 'a');
    assert.deepEqual(g, { allowed: false, reason: 'locked', retryAfterMs: 1000 });
    clock.t = 1001;
    assert.equal(l.check('eve', 'a').allowed, true);
    for (let i = 0; i < 3; i++) l.recordFailure('eve');
    const second = l.check('eve', 'a');
    assert.equal(second.allowed === false && second.retryAfterMs, 2000, 'second lock is twice as long');
  });

  it('limits attempts per address over a sliding window', () => {
    const clock = clockAt(0);
    const l = new LoginLimiter({ maxFailures: 100, lockMs: 1, maxLockMs: 1, perAddress: 2, windowMs: 1000 }, clock);
    assert.equal(l.check('a', '10.0.0.1').allowed, true);
    assert.equal(l.check('b', '10.0.0.1').allowed, true);
    assert.equal(l.check('c', '10.0.0.1').allowed, false);
    assert.equal(l.check('c', '10.0.0.2').allowed, true, 'other addresses are unaffected');
    clock.t = 1001;
    assert.equal(l.check('c', '10.0.0.1').allowed, true);
  });
});

describe('sessions', () => {
  it('expire when idle and at the absolute limit', async () => {
    const clock = clockAt(0);
    const s = new SessionStore({ idleMs: 100, absoluteMs: 250 }, clock);
    const { sessionId } = await s.create('u1');
    clock.t = 90;
    assert.ok(s.get(sessionId));
    clock.t = 180;
    assert.ok(s.get(sessionId), 'activity extends the idle window');
    clock.t = 260;
    assert.equal(s.get(sessionId), null, 'absolute limit');
    const b = (await s.create('u1')).sessionId;
    clock.t = 400;
    assert.equal(s.get(b), null, 'idle limit');
  });

  it('survive a reopen of the store, keep only a hash at rest, and keep their limits across it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-sessions-'));
    try {
      const clock = clockAt(1_000_000);
      const limits = { idleMs: 100_000, absoluteMs: 250_000 };
      const store = await ApplianceStore.open({ dir });
      const a = await SessionStore.open(store, limits, clock, quiet);
      const kept = await a.create('u1');
      const idle = await a.create('u2');
      const ended = await a.create('u3');
      await a.destroy(ended.sessionId);
      const onDisk = await readFile(join(dir, 'sessions.json'), 'utf8');
      assert.ok(!onDisk.includes(kept.sessionId) && !onDisk.includes(idle.sessionId), 'no session id at rest');
      assert.ok(onDisk.includes(sha256(kept.sessionId)), 'its hash is');

      clock.t += 90_000;
      assert.ok(a.get(kept.sessionId), 'used before the restart');
      await a.create('u4'); // any write carries the fresher last-seen time along
      const b = await SessionStore.open(await ApplianceStore.open({ dir }), limits, clock, quiet);
      assert.equal(b.get(kept.sessionId)?.userId, 'u1', 'the same cookie works after the restart');
      assert.equal(b.get(kept.sessionId)?.csrfToken, kept.session.csrfToken);
      assert.equal(b.get(ended.sessionId), null, 'a signed-out session stays signed out');
      clock.t += 20_000;
      assert.equal(b.get(idle.sessionId), null, 'idle limit counted from before the restart');
      assert.ok(b.get(kept.sessionId));
      clock.t += 70_000;
      assert.ok(b.get(kept.sessionId), 'still within both limits');
      await b.create('u5');
      clock.t += 80_000; // 80 s idle (< 100 s) but 260 s since sign-in (> 250 s)
      const c = await SessionStore.open(await ApplianceStore.open({ dir }), limits, clock, quiet);
      assert.equal(c.get(kept.sessionId), null, 'absolute limit counted from the sign-in');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('accounts on the appliance store', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'cva-accounts-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('keeps the device id, prefers BALENA_DEVICE_UUID, and persists users across reopen', async () => {
    const store = await ApplianceStore.open({ dir });
    const a = await Accounts.open({ persistence: store, env: {}, log: quiet });
    assert.equal(a.setup.needsSetup(), true);
    const created = await a.store.createUser({ username: 'Zoe', password: 'zoe-password-1', role: 'manager' });
    assert.ok(created.ok);
    assert.equal(created.value.username, 'zoe');
    const dup = await a.store.createUser({ username: 'zoe', password: 'zoe-password-2', role: 'admin' });
    assert.deepEqual(dup.ok ? null : dup.error.code, 'conflict');
    const file = await readFile(join(dir, 'accounts.json'), 'utf8');
    assert.ok(!file.includes('zoe-password-1'));

    const again = await Accounts.open({ persistence: await ApplianceStore.open({ dir }), env: {}, log: quiet });
    assert.equal(again.deviceId, a.deviceId, 'generated once and kept');
    assert.equal(again.setup.needsSetup(), false);
    assert.ok(await again.store.checkPassword('ZOE', 'zoe-password-1'));
    assert.equal(await again.store.checkPassword('zoe', 'wrong'), null);

    const balena = await Accounts.open({ persistence: store, env: { BALENA_DEVICE_UUID: 'abc123balena' }, log: quiet });
    assert.equal(balena.deviceId, 'abc123balena');
  });
});

describe('last admin', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'cva-admins-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('two admins demoting each other at once leave one admin', async () => {
    const a = await Accounts.open({ persistence: await ApplianceStore.open({ dir }), env: {}, log: quiet });
    const x = await a.store.createUser({ username: 'x', password: 'x-password-123', role: 'admin' });
    const y = await a.store.createUser({ username: 'y', password: 'y-password-123', role: 'admin' });
    assert.ok(x.ok && y.ok);
    const [rx, ry] = await Promise.all([a.store.updateUser(x.value.id, { role: 'viewer' }), a.store.updateUser(y.value.id, { disabled: true })]);
    assert.deepEqual([rx.ok, ry.ok].sort(), [false, true]);
    assert.equal(a.store.listUsers().filter((u) => u.role === 'admin' && !u.disabled).length, 1);
    const last = a.store.listUsers().find((u) => u.role === 'admin' && !u.disabled)!;
    const removed = await a.store.removeUser(last.id);
    assert.equal(removed.ok ? null : removed.error.code, 'last_admin');
  });
});
