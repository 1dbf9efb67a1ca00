import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, INTEGRATION, Inbox, connect, roundTrip, run, startTestBroker } from './helpers.js';

describe('MQTT limits', () => {
  it('refuses payloads over maxPayloadBytes and keeps serving', async () => {
    const t = await startTestBroker({ maxPayloadBytes: 4096 });
    const admin = await connect(t.url, ADMIN);
    const inbox = new Inbox(admin);
    await admin.subscribeAsync('shop/#');
    try {
      const publisher = await connect(t.url, INTEGRATION);
      await publisher.publishAsync('shop/out/ok', Buffer.alloc(4096, 1), { qos: 1 });
      assert.equal((await inbox.on('shop/out/ok')).payload.length, 4096);

      const closed = new Promise<void>((resolve) => publisher.once('close', () => resolve()));
      publisher.publish('shop/out/big', Buffer.alloc(4097, 1), { qos: 0 });
      await closed;
      publisher.end(true);

      // A far larger packet is cut off by its header, before the broker buffers it.
      const flood = await connect(t.url, INTEGRATION);
      const floodClosed = new Promise<void>((resolve) => flood.once('close', () => resolve()));
      flood.publish('shop/out/huge', Buffer.alloc(8 * 1024 * 1024, 1), { qos: 0 });
      await floodClosed;
      flood.end(true);

      // mosquitto_pub with an oversized message is dropped too.
      const big = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', String(t.broker.port), '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-q', '1', '-t', 'shop/out/mosq', '-m', 'x'.repeat(5000)]);
      assert.notEqual(big.code, 0);

      await roundTrip(admin, 'cva/bridge/request/__marker');
      assert.deepEqual(inbox.messages.map((m) => m.topic).filter((x) => x.startsWith('shop/')), ['shop/out/ok']);
    } finally {
      await admin.endAsync();
      await t.close();
    }
  });

  it('refuses clients beyond maxClients with "server unavailable" and admits again when one leaves', async () => {
    const t = await startTestBroker({ maxClients: 2 });
    try {
      const a = await connect(t.url, ADMIN);
      const b = await connect(t.url, INTEGRATION);
      await assert.rejects(connect(t.url, ADMIN), (e: { code?: number }) => e.code === 3);
      const third = await run('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(t.broker.port), '-u', ADMIN.username, '-P', ADMIN.password, '-t', 'cva/#', '-W', '2']);
      assert.match(third.stderr, /unavailable/i);
      await b.endAsync();
      const c = await connect(t.url, INTEGRATION);
      assert.equal(c.connected, true);
      await Promise.all([a.endAsync(), c.endAsync()]);
    } finally {
      await t.close();
    }
  });
});
