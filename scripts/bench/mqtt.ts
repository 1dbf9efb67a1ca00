/**
 * MQTT figures for `bench:services`: publish throughput (msgs/s, one publisher → one subscriber,
 * QoS 0) and fan-out latency p95 (ms, one publisher → N subscribers, one message in flight at a
 * time) of the appliance's broker against the Mosquitto server on this machine, both driven by the
 * same mqtt.js client, each broker in its own process. Standalone: `node dist/scripts/bench/mqtt.js` prints one JSON line last.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { MqttBroker } from '../../device/src/mqtt/broker.js';
import { createLogger } from '../../device/src/util/log.js';
import { percentile, roundTo } from '../../device/src/util/stats.js';

export interface BrokerFigures {
  msgsPerSec: number;
  p95Ms: number;
  p50Ms: number;
  /** Throughput messages that never arrived (QoS 0 may drop under load). */
  lost: number;
}

export interface MqttBench {
  mqtt: {
    ours: BrokerFigures;
    mosquitto: BrokerFigures;
    setup: { throughputMessages: number; payloadBytes: number; fanOutSubscribers: number; fanOutMessages: number };
  };
}

export interface MqttBenchOptions {
  throughputMessages?: number;
  payloadBytes?: number;
  fanOutSubscribers?: number;
  fanOutMessages?: number;
  mosquittoUrl?: string;
}

const quiet = { ...createLogger('bench'), info: () => {}, debug: () => {} };

interface Target {
  url: string;
  auth: IClientOptions;
}

const open = (t: Target) => mqtt.connectAsync(t.url, { ...t.auth, reconnectPeriod: 0, connectTimeout: 10_000 });

/** Resolves when `count` messages arrived on `client`, or after `timeoutMs` with what arrived. */
function collect(client: MqttClient, count: number, timeoutMs: number, onMessage?: (payload: Buffer) => void): Promise<number> {
  return new Promise((resolve) => {
    let got = 0;
    const finish = () => {
      clearTimeout(timer);
      client.removeListener('message', handler);
      resolve(got);
    };
    const handler = (_t: string, payload: Buffer) => {
      onMessage?.(payload);
      if (++got >= count) finish();
    };
    const timer = setTimeout(finish, timeoutMs);
    client.on('message', handler);
  });
}

async function throughput(t: Target, topic: string, n: number, payloadBytes: number): Promise<{ msgsPerSec: number; lost: number }> {
  const sub = await open(t);
  const pub = await open(t);
  try {
    await sub.subscribeAsync(topic, { qos: 0 });
    const payload = randomBytes(payloadBytes);
    const started = performance.now();
    const arrived = collect(sub, n, 60_000);
    for (let i = 0; i < n; i++) {
      // Respect the socket's back-pressure, as a real publisher would.
      if (!pub.publish(topic, payload, { qos: 0 }) && pub.stream.writableNeedDrain) await new Promise((r) => pub.stream.once('drain', r));
    }
    const got = await arrived;
    const seconds = (performance.now() - started) / 1000;
    return { msgsPerSec: Math.round(got / seconds), lost: n - got };
  } finally {
    await Promise.all([sub.endAsync(), pub.endAsync()]);
  }
}

async function fanOut(t: Target, topic: string, subscribers: number, messages: number): Promise<{ p95Ms: number; p50Ms: number }> {
  const subs = await Promise.all(Array.from({ length: subscribers }, () => open(t)));
  const pub = await open(t);
  const latencies: number[] = [];
  try {
    await Promise.all(subs.map((s) => s.subscribeAsync(topic, { qos: 0 })));
    for (let i = 0; i < messages; i++) {
      const sentAt = performance.now();
      const all = Promise.all(subs.map((s) => collect(s, 1, 10_000, () => latencies.push(performance.now() - sentAt))));
      pub.publish(topic, Buffer.from(String(i)), { qos: 0 });
      await all;
    }
    return { p95Ms: roundTo(percentile(latencies, 95), 2), p50Ms: roundTo(percentile(latencies, 50), 2) };
  } finally {
    await Promise.all([...subs.map((s) => s.endAsync()), pub.endAsync()]);
  }
}

async function measure(t: Target, prefix: string, o: Required<MqttBenchOptions>): Promise<BrokerFigures> {
  const tp = await throughput(t, `${prefix}/throughput`, o.throughputMessages, o.payloadBytes);
  const fo = await fanOut(t, `${prefix}/fanout`, o.fanOutSubscribers, o.fanOutMessages);
  return { msgsPerSec: tp.msgsPerSec, lost: tp.lost, ...fo };
}

/** Our broker alone in this script's own child process, like Mosquitto in its own: the clients never share its event loop. */
async function serveBroker(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-bench-mqtt-'));
  const accounts = await JsonMqttAccountStore.open(join(dir, 'mqtt-accounts.json'));
  const password = randomBytes(12).toString('hex');
  const created = await accounts.create({ username: 'bench', password, role: 'admin', canWrite: ['bench/#'] });
  if (!created.ok) throw new Error(created.error.message);
  const broker = new MqttBroker({
    settings: { port: 0, baseTopic: 'cva', maxClients: 100, maxPayloadBytes: 256 * 1024, tls: null },
    accounts,
    host: '127.0.0.1',
    log: quiet,
  });
  await broker.start();
  const shutdown = async () => {
    await broker.stop();
    await rm(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.stdout.write(JSON.stringify({ port: broker.port, password }) + '\n');
}

async function startBrokerProcess(): Promise<{ target: Target; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), SERVE_FLAG], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0]);
    });
    child.once('exit', (code) => reject(new Error(`bench broker exited with ${code}`)));
  });
  const { port, password } = JSON.parse(line) as { port: number; password: string };
  return {
    target: { url: `mqtt://127.0.0.1:${port}`, auth: { username: 'bench', password } },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function benchMqtt(opts: MqttBenchOptions = {}): Promise<MqttBench> {
  const o: Required<MqttBenchOptions> = {
    throughputMessages: opts.throughputMessages ?? 20_000,
    payloadBytes: opts.payloadBytes ?? 256,
    fanOutSubscribers: opts.fanOutSubscribers ?? 10,
    fanOutMessages: opts.fanOutMessages ?? 300,
    mosquittoUrl: opts.mosquittoUrl ?? 'mqtt://127.0.0.1:1883',
  };
  const prefix = `bench/${process.pid}-${randomBytes(4).toString('hex')}`;
  const broker = await startBrokerProcess();
  try {
    const ours = await measure(broker.target, prefix, o);
    const mosquitto = await measure({ url: o.mosquittoUrl, auth: {} }, prefix, o);
    const { mosquittoUrl: _url, ...setup } = o;
    return { mqtt: { ours, mosquitto, setup } };
  } finally {
    await broker.stop();
  }
}

const SERVE_FLAG = '--serve-broker';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href && process.argv[2] === SERVE_FLAG) {
  await serveBroker();
} else if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchMqtt();
  const s = r.mqtt.setup;
  console.log(`mqtt: throughput ${s.throughputMessages} × ${s.payloadBytes} B QoS 0, 1 → 1; fan-out ${s.fanOutMessages} messages 1 → ${s.fanOutSubscribers}, one in flight`);
  console.log(JSON.stringify(r));
  process.exit(0);
}
