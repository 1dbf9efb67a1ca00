import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, INTEGRATION, Inbox, connect, roundTrip, startTestBroker } from './helpers.js';

// aedes loses a QoS 1 message overtaken by a QoS 0 one (moscajs/aedes#994); the broker works around it.
describe('MQTT delivery', () => {
  it('delivers every message of interleaved QoS 0 / QoS 1 publishes, internal and from clients', async () => {
    const t = await startTestBroker();
    const sub = await connect(t.url, ADMIN);
    const inbox = new Inbox(sub);
    await sub.subscribeAsync('shop/#', { qos: 1 });
    await sub.subscribeAsync('cva/#', { qos: 1 });
    const pub = await connect(t.url, INTEGRATION);
    try {
      const sends: Promise<unknown>[] = [];
      for (let i = 0; i < 200; i++) {
        sends.push(t.broker.publish(`cva/internal/${i}`, String(i), { qos: (i % 2) as 0 | 1 }));
        sends.push(pub.publishAsync(`shop/out/${i}`, String(i), { qos: (i % 2) as 0 | 1 }));
      }
      await Promise.all(sends);
      await roundTrip(sub, 'cva/bridge/request/__marker');
      await inbox.next(() => inbox.messages.filter((m) => !m.topic.includes('__marker')).length >= 400, 'all 400 messages', 10_000).catch(() => undefined);
      const got = inbox.messages.filter((m) => !m.topic.includes('__marker')).map((m) => m.topic);
      assert.equal(new Set(got).size, 400, `missing: ${400 - new Set(got).size}`);
    } finally {
      await pub.endAsync();
      await sub.endAsync();
      await t.close();
    }
  });

  it('delivers one copy when overlapping subscriptions match', async () => {
    const t = await startTestBroker();
    const sub = await connect(t.url, ADMIN);
    const inbox = new Inbox(sub);
    await sub.subscribeAsync(['cva/#', 'cva/counts', 'cva/+'], { qos: 1 });
    try {
      await t.broker.publish('cva/counts', 'one', { qos: 1 });
      await t.broker.publish('cva/faces', 'two', { qos: 0 });
      await roundTrip(sub, 'cva/bridge/request/__marker');
      assert.deepEqual(inbox.messages.filter((m) => !m.topic.includes('__marker')).map((m) => m.payload), ['one', 'two']);
    } finally {
      await sub.endAsync();
      await t.close();
    }
  });
});
