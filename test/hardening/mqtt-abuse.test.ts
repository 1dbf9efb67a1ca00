// Defect 11 (MQTT, real broker and mqtt.js clients): client ids belong to the account using them; password
// guessing is rate limited and locks the account; the box's own topics are published by the box alone.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, Inbox, connect, roundTrip, startTestBroker, type TestBroker } from '../mqtt/helpers.js';
import { until } from '../mqtt/until.js';

const WILD = { username: 'wildcard-int', password: 'wildcard-pw-123' };

describe('MQTT abuse', () => {
  let t: TestBroker;
  before(async () => {
    t = await startTestBroker({}, { loginLimits: { maxFailures: 5, lockMs: 60_000, maxLockMs: 600_000, perAddress: 30, windowMs: 600_000 } });
    const r = await t.accounts.create({ ...WILD, role: 'integration', canWrite: ['#'] });
    assert.ok(r.ok);
  });
  after(async () => t.close());

  it('another account cannot take over a connected client id; the same account can reconnect with it', async () => {
    const admin = await connect(t.url, { ...ADMIN, clientId: 'homeassistant' });
    await assert.rejects(connect(t.url, { ...WILD, clientId: 'homeassistant' }), (e: { code?: number }) => e.code === 2);
    assert.equal(admin.connected, true, "the admin's session was not kicked");
    await roundTrip(admin, 'cva/bridge/request/still_here');
    const again = await connect(t.url, { ...ADMIN, clientId: 'homeassistant' });
    await until('the old connection replaced', () => !admin.connected);
    assert.equal(again.connected, true);
    await again.endAsync();
    admin.end(true);
  });

  it('reconnecting often with the right password is never rate limited (only failures count per address)', async () => {
    for (let i = 0; i < 40; i++) {
      const c = await connect(t.url, ADMIN);
      await c.endAsync();
    }
  });

  it('password guesses lock the account: after 5 failures even the right password is refused for a while', async () => {
    for (let i = 0; i < 5; i++) {
      await assert.rejects(connect(t.url, { username: WILD.username, password: `guess-${i}` }), (e: { code?: number }) => e.code === 4);
    }
    await assert.rejects(connect(t.url, WILD), (e: { code?: number }) => e.code === 5);
    // Other accounts are not affected.
    const admin = await connect(t.url, ADMIN);
    await admin.endAsync();
  });

  it('a `#` write grant cannot publish (or retain) the box’s own topics; requests and its own trees still work', async () => {
    const other = await t.accounts.create({ username: 'wild-2', password: 'wildcard-pw-456', role: 'integration', canWrite: ['#'] });
    assert.ok(other.ok);
    const admin = await connect(t.url, ADMIN);
    const inbox = new Inbox(admin);
    await admin.subscribeAsync(['cva/#', 'elsewhere/#']);
    const c = await connect(t.url, { username: 'wild-2', password: 'wildcard-pw-456' });
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish('cva/counts', '{"inShopNow":999,"visitsToday":0}', { qos: 0, retain: true });
    await closed;
    c.end(true);
    const c2 = await connect(t.url, { username: 'wild-2', password: 'wildcard-pw-456' });
    await c2.publishAsync('elsewhere/x', 'fine', { qos: 1 });
    await c2.publishAsync('cva/bridge/request/ping', '{}', { qos: 1 });
    assert.equal((await inbox.on('elsewhere/x')).payload, 'fine');
    await inbox.on('cva/bridge/request/ping');
    await c2.endAsync();
    // No retained fake for a newcomer.
    const late = await connect(t.url, ADMIN);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync('cva/counts');
    await roundTrip(late, 'cva/bridge/request/marker');
    assert.equal(lateInbox.messages.filter((m) => m.topic === 'cva/counts').length, 0);
    await late.endAsync();
    await admin.endAsync();
  });
});
