import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, INTEGRATION, Inbox, connect, roundTrip, run, subscribeCodes, startTestBroker, type TestBroker } from './helpers.js';

// Authentication and the topic ACL, exercised with mqtt.js and the Debian mosquitto clients.
describe('MQTT authentication and ACL', () => {
  let t: TestBroker;
  before(async () => {
    t = await startTestBroker();
  });
  after(async () => t.close());

  const pub = (args: string[]) => run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(t.broker.port), ...args]);

  it('refuses a wrong password, an unknown user and anonymous clients (mqtt.js)', async () => {
    await assert.rejects(connect(t.url, { username: ADMIN.username, password: 'wrong-password' }), (e: { code?: number }) => e.code === 4);
    await assert.rejects(connect(t.url, { username: 'nobody', password: ADMIN.password }), (e: { code?: number }) => e.code === 4);
    await assert.rejects(connect(t.url), (e: { code?: number }) => e.code === 5);
    const good = await connect(t.url, ADMIN);
    assert.equal(good.connected, true);
    await good.endAsync();
  });

  it('refuses a wrong password (mosquitto_pub)', async () => {
    const r = await pub(['-u', INTEGRATION.username, '-P', 'not-the-password', '-t', 'shop/out/x', '-m', 'hi']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /bad user name or password/i);
    const anon = await pub(['-t', 'shop/out/x', '-m', 'hi']);
    assert.match(anon.stderr, /not authori[sz]ed/i);
  });

  it('lets an integration read the base tree only', async () => {
    const c = await connect(t.url, INTEGRATION);
    assert.deepEqual(await subscribeCodes(c, ['cva/#', '#', 'other/#', '+/visits']), [0, 128, 128, 128]);
    await c.endAsync();
    const sub = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(t.broker.port), '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-t', '#', '-W', '2']);
    assert.match(sub.stderr, /subscription requests were denied/i);
  });

  it('delivers an integration publish only where granted; a refused one is dropped and disconnects', async () => {
    const admin = await connect(t.url, ADMIN);
    const inbox = new Inbox(admin);
    await admin.subscribeAsync(['cva/#', 'shop/#']);

    const refused = await pub(['-u', INTEGRATION.username, '-P', INTEGRATION.password, '-q', '1', '-t', 'cva/visits', '-m', '{"spoofed":true}']);
    assert.notEqual(refused.code, 0, 'mosquitto_pub sees its connection dropped');
    const granted = await pub(['-u', INTEGRATION.username, '-P', INTEGRATION.password, '-q', '1', '-t', 'shop/out/door', '-m', 'open']);
    assert.equal(granted.code, 0, granted.stderr);
    assert.equal((await inbox.on('shop/out/door')).payload, 'open');

    const c = await connect(t.url, INTEGRATION);
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    c.publish('cva/counts', '{"inShopNow":999}', { qos: 0 });
    await closed;
    c.end(true);

    await roundTrip(admin, 'cva/bridge/request/__marker');
    assert.equal(inbox.messages.filter((m) => m.topic === 'cva/visits' || m.topic === 'cva/counts').length, 0);
    await admin.endAsync();
  });

  it('lets admins write requests but not the appliance topics', async () => {
    const admin = await connect(t.url, ADMIN);
    await admin.publishAsync('cva/bridge/request/info', '{}', { qos: 1 });
    assert.equal(admin.connected, true);
    const closed = new Promise<void>((resolve) => admin.once('close', () => resolve()));
    admin.publish('cva/faces', '{}', { qos: 0 });
    await closed;
    admin.end(true);
  });

  it('refuses $SYS subscriptions for integrations', async () => {
    const c = await connect(t.url, INTEGRATION);
    assert.deepEqual(await subscribeCodes(c, ['$SYS/#']), [128]);
    await c.endAsync();
  });
});
