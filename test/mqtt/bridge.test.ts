import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MqttClient } from 'mqtt';
import { UpstreamBridge } from '../../device/src/mqtt/upstream-bridge.js';
import { Inbox, connect, killAndWait, spawnUntil, startTestBroker, uniquePrefix } from './helpers.js';
import { startTestService } from './service-helpers.js';
import { visitEvent } from './fixtures.js';
import { until } from './until.js';

const MOSQUITTO = 'mqtt://127.0.0.1:1883';

/** Remove what a test left retained on the shared Mosquitto. */
async function clearRetained(client: MqttClient, topics: string[]): Promise<void> {
  for (const topic of topics) await client.publishAsync(topic, '', { qos: 1, retain: true });
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A private Mosquitto with on-disk persistence, so sessions survive its restart. */
async function privateMosquitto(dir: string, port: number) {
  const conf = join(dir, 'mosquitto.conf');
  // Started as root, Mosquitto drops to its own user, which must be able to write the database here.
  await chmod(dir, 0o777);
  // stderr: unbuffered, so the "listening" line arrives when it happens.
  await writeFile(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence true\npersistence_location ${dir}/\nlog_dest stderr\nlog_type all\n`);
  return spawnUntil('mosquitto', ['-c', conf], (line) => line.includes(`listen socket on port ${port}`));
}

describe('MQTT upstream bridge (real Mosquitto)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('forwards events upstream under its prefix with its own online/offline state', async () => {
    const prefix = uniquePrefix('fwd');
    const upstream = await connect(MOSQUITTO);
    cleanups.push(async () => {
      await clearRetained(upstream, [`${prefix}/bridge/state`, `${prefix}/bridge/info`]);
      await upstream.endAsync();
    });
    const inbox = new Inbox(upstream);
    await upstream.subscribeAsync(`${prefix}/#`, { qos: 1 });
    const t = await startTestService({ mqtt: { bridge: { url: MOSQUITTO, topicPrefix: prefix } } });
    let stopped = false;
    try {
      await t.service.bridge!.connected();
      await inbox.next((m) => m.topic === `${prefix}/bridge/state` && m.payload.includes('online'), 'online upstream');
      assert.equal(JSON.parse((await inbox.on(`${prefix}/bridge/info`)).payload).deviceId, 'test-device-1');
      t.events.emit('visit', visitEvent('new'));
      const visit = JSON.parse((await inbox.on(`${prefix}/visits`)).payload);
      assert.equal(visit.after.personId, 'C-000017');
      await t.service.broker.publish('cva/bridge/request/info', '{}');
      await t.close();
      stopped = true;
      const offline = await inbox.next((m) => m.topic === `${prefix}/bridge/state` && m.payload.includes('offline'), 'offline upstream');
      assert.deepEqual(JSON.parse(offline.payload), { state: 'offline' });
      assert.equal(inbox.messages.some((m) => m.topic.includes('/bridge/request/') || m.topic.includes('/bridge/response/')), false, 'requests stay local');
    } finally {
      if (!stopped) await t.close();
    }
  });

  it('queues while upstream is down (bounded, latest retained kept) and delivers after it returns', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-mosq-'));
    const port = await freePort();
    const url = `mqtt://127.0.0.1:${port}`;
    const prefix = uniquePrefix('queue');
    let mosq = await privateMosquitto(dir, port);
    const local = await startTestBroker();
    const bridge = new UpstreamBridge({ bus: local.broker, baseTopic: 'cva', config: { url, topicPrefix: prefix }, clientId: 'cva-bridge-queue-test', maxQueued: 3, reconnectPeriodMs: 200 });
    cleanups.push(async () => {
      await bridge.stop();
      await local.close();
      await killAndWait(mosq.child, 'SIGKILL');
      await rm(dir, { recursive: true, force: true });
    });
    // A persistent-session subscriber: Mosquitto keeps its messages while it is away.
    const session = { clientId: `sub-${prefix}`.slice(0, 23), clean: false };
    const sub = await connect(url, session);
    await sub.subscribeAsync(`${prefix}/#`, { qos: 1 });
    await sub.endAsync();

    await bridge.start();
    await bridge.connected();
    await killAndWait(mosq.child, 'SIGTERM');
    await until('the bridge to notice', () => !bridge.stats.connected, 10_000);

    for (let i = 1; i <= 5; i++) await local.broker.publish('cva/visits', `visit-${i}`, { qos: 1 });
    await local.broker.publish('cva/counts', 'counts-1', { qos: 1, retain: true });
    await local.broker.publish('cva/counts', 'counts-2', { qos: 1, retain: true });
    assert.deepEqual({ queued: bridge.stats.queued, dropped: bridge.stats.dropped }, { queued: 4, dropped: 2 });

    mosq = await privateMosquitto(dir, port);
    await bridge.connected();
    await until('the queue to flush', () => bridge.stats.queued === 0, 10_000);
    let inbox!: Inbox;
    const back = await connect(url, session, (c) => (inbox = new Inbox(c)));
    try {
      await inbox.next(() => inbox.messages.filter((m) => m.topic === `${prefix}/visits`).length >= 3 && inbox.messages.some((m) => m.topic === `${prefix}/counts`), 'queued messages');
      assert.deepEqual(inbox.messages.filter((m) => m.topic === `${prefix}/visits`).map((m) => m.payload), ['visit-3', 'visit-4', 'visit-5']);
      assert.deepEqual(inbox.messages.filter((m) => m.topic === `${prefix}/counts`).map((m) => m.payload), ['counts-2']);
    } finally {
      await back.endAsync();
    }
  });

  it('a killed appliance reads offline upstream: Mosquitto delivers the bridge last will', async () => {
    const prefix = uniquePrefix('killed');
    const upstream = await connect(MOSQUITTO);
    const dataDir = await mkdtemp(join(tmpdir(), 'cva-killed-'));
    cleanups.push(async () => {
      await clearRetained(upstream, [`${prefix}/bridge/state`, `${prefix}/bridge/info`]);
      await upstream.endAsync();
      await rm(dataDir, { recursive: true, force: true });
    });
    const inbox = new Inbox(upstream);
    await upstream.subscribeAsync(`${prefix}/bridge/state`, { qos: 1 });
    const script = fileURLToPath(new URL('./fixtures/appliance-process.js', import.meta.url));
    const app = await spawnUntil(process.execPath, [script], (line) => line.startsWith('READY '), { ...process.env, CVA_DATA_DIR: dataDir, CVA_TEST_PREFIX: prefix, CVA_TEST_UPSTREAM: MOSQUITTO, LOG_LEVEL: 'warn' });
    const localPort = Number(/READY (\d+)/.exec(app.output())![1]);
    await inbox.next((m) => m.payload.includes('online'), 'online from the child appliance');

    await killAndWait(app.child, 'SIGKILL');
    const will = await inbox.next((m) => m.payload.includes('offline'), 'the last will');
    assert.deepEqual(JSON.parse(will.payload), { state: 'offline' });
    // The appliance's own broker died with it.
    await assert.rejects(connect(`mqtt://127.0.0.1:${localPort}`, { connectTimeout: 2000 }));
    // A subscriber arriving later reads the retained offline.
    const late = await connect(MOSQUITTO);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync(`${prefix}/bridge/state`);
    const retained = await lateInbox.on(`${prefix}/bridge/state`);
    assert.equal(retained.retain, true);
    assert.deepEqual(JSON.parse(retained.payload), { state: 'offline' });
    await late.endAsync();
  });
});
