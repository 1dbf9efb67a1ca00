import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { defaultSettings } from '../../device/src/contracts/settings.js';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { MqttBroker } from '../../device/src/mqtt/broker.js';
import { bindMqttAccounts } from '../../device/src/services/bindings.js';
import { Client, setUpAdmin, startHarness, type Harness } from './harness.js';

describe('MQTT accounts from the HTTP API, MQTT over WebSocket on the HTTP port', () => {
  let h: Harness;
  let admin: Client;
  let broker: MqttBroker;

  before(async () => {
    h = await startHarness({
      late: async ({ dir }) => {
        const accounts = await JsonMqttAccountStore.open(join(dir, 'mqtt-accounts.json'));
        broker = new MqttBroker({ settings: { ...defaultSettings().mqtt, port: 0 }, accounts, host: '127.0.0.1' });
        await broker.start();
        return { mqttAccounts: bindMqttAccounts(accounts) };
      },
      attach: (server) => broker.attachWebSocket(server, '/mqtt'),
    });
    admin = await setUpAdmin(h);
  });
  after(async () => {
    await h.close();
    await broker.stop();
  });

  it('an account created over HTTP connects over ws://…/mqtt; a wrong password is refused', async () => {
    const created = await admin.json('POST', '/api/v1/mqtt/accounts', { username: 'dashboard', password: 'dash-password-1', role: 'integration' });
    assert.equal(created.status, 201);
    const wsUrl = h.url.replace('http://', 'ws://') + '/mqtt';

    const bad = mqtt.connect(wsUrl, { username: 'dashboard', password: 'wrong-password', reconnectPeriod: 0, connectTimeout: 5000 });
    const refused = await new Promise<Error>((resolve) => bad.once('error', resolve));
    assert.match(refused.message, /Not authorized|Bad username or password/i);
    bad.end(true);

    const c = await mqtt.connectAsync(wsUrl, { username: 'dashboard', password: 'dash-password-1', reconnectPeriod: 0 });
    try {
      const got = new Promise<string>((resolve) => c.once('message', (_t, p) => resolve(p.toString())));
      await c.subscribeAsync('cva/counts');
      broker.publish('cva/counts', JSON.stringify({ inShopNow: 3 }));
      assert.deepEqual(JSON.parse(await got), { inShopNow: 3 });
      // The HTTP API keeps answering on the same port.
      assert.equal((await admin.json('GET', '/api/v1/health')).status, 200);
    } finally {
      await c.endAsync();
    }

    assert.equal((await admin.json('DELETE', '/api/v1/mqtt/accounts/dashboard')).status, 200);
    const gone = mqtt.connect(wsUrl, { username: 'dashboard', password: 'dash-password-1', reconnectPeriod: 0 });
    await new Promise<Error>((resolve) => gone.once('error', resolve));
    gone.end(true);
  });
});
