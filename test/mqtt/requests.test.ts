import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import type { MqttClient } from 'mqtt';
import { err, ok } from '../../device/src/util/result.js';
import { ADMIN, INTEGRATION, Inbox, connect, run, subscribed } from './helpers.js';
import { startTestService, type TestService } from './service-helpers.js';

describe('MQTT request/response', () => {
  let t: TestService;
  let admin: MqttClient;
  let inbox: Inbox;
  before(async () => {
    t = await startTestService({ cameras: [{ id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/door' }] });
    t.service.registerRequestHandler('add', z.object({ a: z.number(), b: z.number() }), ({ a, b }) => ok({ sum: a + b }));
    t.service.registerRequestHandler('refuse', z.object({}), () => err('refused on purpose'));
    t.service.registerRequestHandler('explode', z.object({}), () => {
      throw new Error('handler bug');
    });
    admin = await connect(t.url, ADMIN);
    inbox = new Inbox(admin);
    await admin.subscribeAsync('cva/bridge/response/#', { qos: 1 });
  });
  after(async () => {
    await admin.endAsync();
    await t.close();
  });

  async function ask(name: string, payload: string): Promise<Record<string, unknown>> {
    const from = inbox.messages.length;
    await admin.publishAsync(`cva/bridge/request/${name}`, payload, { qos: 1 });
    const m = await inbox.next((x) => inbox.messages.indexOf(x) >= from && x.topic === `cva/bridge/response/${name}`, `response to ${name}`);
    return JSON.parse(m.payload) as Record<string, unknown>;
  }

  it('answers health_check and info, echoing the transaction', async () => {
    const health = await ask('health_check', '{"transaction":"t-1"}');
    assert.equal(health.status, 'ok');
    assert.equal(health.transaction, 't-1');
    const data = health.data as { healthy: boolean; mqtt: { clients: number } };
    assert.equal(data.healthy, true);
    assert.ok(data.mqtt.clients >= 1);
    const info = await ask('info', '{"transaction":42}');
    assert.equal(info.transaction, 42);
    assert.deepEqual((info.data as { cameras: unknown }).cameras, [{ id: 'door', name: 'Door', enabled: true }]);
    const noTransaction = await ask('info', '');
    assert.equal(noTransaction.status, 'ok');
    assert.ok(!('transaction' in noTransaction));
  });

  it('dispatches registered handlers with validated data', async () => {
    assert.deepEqual(await ask('add', '{"a":2,"b":3,"transaction":"x"}'), { data: { sum: 5 }, status: 'ok', transaction: 'x' });
    const refused = await ask('refuse', '{}');
    assert.deepEqual(refused, { data: {}, status: 'error', error: 'refused on purpose' });
    const exploded = await ask('explode', '{"transaction":"e"}');
    assert.equal(exploded.status, 'error');
    assert.match(String(exploded.error), /handler bug/);
    assert.equal(exploded.transaction, 'e');
  });

  it('answers malformed payloads with an error and stays up', async () => {
    const notJson = await ask('add', '{"a":1,');
    assert.deepEqual(notJson, { data: {}, status: 'error', error: 'payload is not valid JSON' });
    const wrongTypes = await ask('add', '{"a":"one","b":2,"transaction":"w"}');
    assert.equal(wrongTypes.status, 'error');
    assert.equal(wrongTypes.transaction, 'w');
    assert.match(String(wrongTypes.error), /invalid request/);
    const unknown = await ask('no_such_request', '{"transaction":"u"}');
    assert.equal(unknown.status, 'error');
    assert.match(String(unknown.error), /unknown request 'no_such_request'/);
    const binary = await ask('add', '\u0000\u00ff\u0001');
    assert.equal(binary.status, 'error');
    assert.equal((await ask('health_check', '{}')).status, 'ok', 'still answering after bad input');
  });

  it('works with mosquitto_pub / mosquitto_sub and respects the integration grant', async () => {
    const port = String(t.service.broker.port);
    const ready = subscribed(t.service.broker, 'cva/bridge/response/health_check');
    const sub = run('mosquitto_sub', ['-h', '127.0.0.1', '-p', port, '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-t', 'cva/bridge/response/health_check', '-C', '1']);
    await ready;
    const pub = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-q', '1', '-t', 'cva/bridge/request/health_check', '-m', '{"transaction":"from-mosquitto"}']);
    assert.equal(pub.code, 0, pub.stderr);
    const received = await sub;
    assert.equal(received.code, 0, received.stderr);
    const response = JSON.parse(received.stdout) as { status: string; transaction: string };
    assert.equal(response.status, 'ok');
    assert.equal(response.transaction, 'from-mosquitto');
    // health_check is granted to this integration; info is not.
    const denied = await run('mosquitto_pub', ['-h', '127.0.0.1', '-p', port, '-u', INTEGRATION.username, '-P', INTEGRATION.password, '-q', '1', '-t', 'cva/bridge/request/info', '-m', '{}']);
    assert.notEqual(denied.code, 0);
  });

  it('does not execute retained requests', async () => {
    const from = inbox.messages.length;
    await admin.publishAsync('cva/bridge/request/add', '{"a":1,"b":1}', { qos: 1, retain: true });
    await ask('health_check', '{}');
    assert.equal(inbox.messages.slice(from).filter((m) => m.topic === 'cva/bridge/response/add').length, 0);
    // and it was cleared: a new subscriber gets no retained request
    const late = await connect(t.url, ADMIN);
    const lateInbox = new Inbox(late);
    await late.subscribeAsync('cva/bridge/request/#');
    await late.publishAsync('cva/bridge/request/health_check', '{}', { qos: 1 });
    await lateInbox.on('cva/bridge/request/health_check');
    assert.equal(lateInbox.messages.filter((m) => m.topic === 'cva/bridge/request/add').length, 0);
    await late.endAsync();
  });
});
