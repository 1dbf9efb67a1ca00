import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ADMIN, INTEGRATION, Inbox, connect, killAndWait, roundTrip, run, subscribed } from './helpers.js';
import { startTestService } from './service-helpers.js';
import { counts } from './fixtures.js';

describe('MQTT last will and retained state', () => {
  it("delivers a killed client's last will (mosquitto_sub, SIGKILL) and a dropped mqtt.js client's", async () => {
    const t = await startTestService();
    const watcher = await connect(t.url, ADMIN);
    const inbox = new Inbox(watcher);
    await watcher.subscribeAsync('shop/out/#', { qos: 1 });
    try {
      const ready = subscribed(t.service.broker, 'cva/counts');
      const child = spawn('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(t.service.broker.port), '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-t', 'cva/counts', '--will-topic', 'shop/out/till-display', '--will-payload', 'gone', '--will-qos', '1'], { stdio: 'ignore' });
      await ready;
      await killAndWait(child, 'SIGKILL');
      assert.equal((await inbox.on('shop/out/till-display')).payload, 'gone');

      const client = await connect(t.url, { ...INTEGRATION, will: { topic: 'shop/out/kiosk', payload: Buffer.from('lost'), qos: 1, retain: false } });
      client.stream.destroy();
      assert.equal((await inbox.on('shop/out/kiosk')).payload, 'lost');
      client.end(true);

      // A clean disconnect sends no will.
      const polite = await connect(t.url, { ...INTEGRATION, will: { topic: 'shop/out/polite', payload: Buffer.from('x'), qos: 1, retain: false } });
      await polite.endAsync();
      await roundTrip(watcher, 'cva/bridge/request/__marker');
      assert.equal(inbox.messages.some((m) => m.topic === 'shop/out/polite'), false);
    } finally {
      await watcher.endAsync();
      await t.close();
    }
  });

  it('gives a reconnecting client the retained state (mqtt.js and mosquitto_sub)', async () => {
    const t = await startTestService();
    try {
      t.events.emit('counts', counts(2));
      t.events.emit('counts', counts(4));
      const first = await connect(t.url, INTEGRATION);
      const firstInbox = new Inbox(first);
      await first.subscribeAsync('cva/counts', { qos: 1 });
      assert.equal(JSON.parse((await firstInbox.on('cva/counts')).payload).inShopNow, 4);
      await first.endAsync();

      t.events.emit('counts', counts(5));
      const again = await connect(t.url, INTEGRATION);
      const againInbox = new Inbox(again);
      await again.subscribeAsync(['cva/counts', 'cva/bridge/state'], { qos: 1 });
      const latest = await againInbox.on('cva/counts');
      assert.equal(latest.retain, true);
      assert.equal(JSON.parse(latest.payload).inShopNow, 5, 'only the latest retained value');
      assert.equal(JSON.parse((await againInbox.on('cva/bridge/state')).payload).state, 'online');
      await again.endAsync();

      const mosq = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(t.service.broker.port), '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-t', 'cva/bridge/state', '-t', 'cva/counts', '-C', '2', '-v', '-W', '5']);
      assert.equal(mosq.code, 0, mosq.stderr);
      const lines = mosq.stdout.trim().split('\n').sort();
      assert.equal(lines.length, 2);
      assert.match(lines[0], /^cva\/bridge\/state \{"state":"online"\}$/);
      assert.match(lines[1], /^cva\/counts \{.*"inShopNow":5/);
    } finally {
      await t.close();
    }
  });
});
