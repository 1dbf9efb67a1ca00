import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { MqttBroker, type MqttBrokerOptions } from '../../device/src/mqtt/broker.js';
import { createLogger } from '../../device/src/util/log.js';

// Test runs keep the broker's per-connection info lines out of the report unless asked for.
process.env.LOG_LEVEL ??= 'warn';

export const ADMIN = { username: 'admin', password: 'admin-secret-1' };
export const INTEGRATION = { username: 'shop-system', password: 'integration-pw-1' };

/** An admin, and an integration allowed one request plus two trees of its own. */
export async function addTestAccounts(accounts: JsonMqttAccountStore): Promise<void> {
  for (const r of [await accounts.create({ ...ADMIN, role: 'admin' }), await accounts.create({ ...INTEGRATION, role: 'integration', canWrite: ['cva/bridge/request/health_check', 'shop/out/#', 'cva/test/#'] })]) {
    if (!r.ok) throw new Error(r.error.message);
  }
}

export interface TestBroker {
  broker: MqttBroker;
  accounts: JsonMqttAccountStore;
  dir: string;
  url: string;
  close(): Promise<void>;
}

/** A real broker on an ephemeral loopback port with an admin and an integration account. */
export async function startTestBroker(settings: Partial<MqttBrokerOptions['settings']> = {}, extra: Partial<MqttBrokerOptions> = {}): Promise<TestBroker> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-mqtt-'));
  const accounts = await JsonMqttAccountStore.open(join(dir, 'mqtt-accounts.json'));
  await addTestAccounts(accounts);
  const broker = new MqttBroker({
    settings: { port: 0, baseTopic: 'cva', maxClients: 50, maxPayloadBytes: 4096, tls: null, ...settings },
    accounts,
    host: '127.0.0.1',
    log: createLogger('test-mqtt'),
    ...extra,
  });
  await broker.start();
  return {
    broker,
    accounts,
    dir,
    url: `mqtt://127.0.0.1:${broker.port}`,
    async close() {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connect without reconnecting; rejects with the CONNACK error (e.code) or when the connection closes first. */
export function connect(url: string, opts: IClientOptions = {}, beforeConnack?: (client: MqttClient) => void): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  // A resumed session's queued messages can arrive together with CONNACK: listen before it.
  beforeConnack?.(client);
  return new Promise((resolve, reject) => {
    const fail = (e?: Error) => {
      client.removeListener('connect', ok);
      client.end(true);
      reject(e ?? new Error(`connection to ${url} closed before CONNACK`));
    };
    const ok = () => {
      client.removeListener('error', fail);
      client.removeListener('close', fail);
      resolve(client);
    };
    client.once('connect', ok);
    client.once('error', fail);
    client.once('close', fail);
  });
}

/** Collects messages on a client, and waits for one matching a predicate (bounded by a generous deadline). */
export class Inbox {
  readonly messages: { topic: string; payload: string; retain: boolean }[] = [];
  private waiters: { match: (m: Inbox['messages'][number]) => boolean; resolve: (m: Inbox['messages'][number]) => void }[] = [];

  constructor(client: MqttClient) {
    client.on('message', (topic, payload, packet) => {
      const m = { topic, payload: payload.toString('utf8'), retain: packet.retain };
      this.messages.push(m);
      this.waiters = this.waiters.filter((w) => (w.match(m) ? (w.resolve(m), false) : true));
    });
  }

  next(match: (m: Inbox['messages'][number]) => boolean = () => true, what = 'message', timeoutMs = 10_000): Promise<Inbox['messages'][number]> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({ match, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  on(topic: string, timeoutMs?: number) {
    return this.next((m) => m.topic === topic, `a message on ${topic}`, timeoutMs);
  }
}

/** SUBACK return codes per filter (128 = refused); mqtt.js reports any refusal as an error carrying the packet. */
export async function subscribeCodes(client: MqttClient, filters: string[]): Promise<number[]> {
  const granted = await new Promise<{ qos: number }[]>((resolve, reject) => {
    client.subscribe(filters, (e, g) => {
      const packet = (e as { packet?: { granted?: number[] } } | null)?.packet;
      if (packet?.granted) resolve(packet.granted.map((qos) => ({ qos })));
      else if (e) reject(e);
      else resolve(g ?? []);
    });
  });
  return granted.map((g) => g.qos);
}

/** Resolves when some client of the broker has subscribed to `filter` (third-party clients print nothing reliable). */
export function subscribed(broker: MqttBroker, filter: string, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      broker.aedes.off('subscribe', onSubscribe);
      reject(new Error(`nobody subscribed to ${filter} in time`));
    }, timeoutMs);
    const onSubscribe = (subs: { topic: string }[]) => {
      if (!subs.some((s) => s.topic === filter)) return;
      clearTimeout(timer);
      broker.aedes.off('subscribe', onSubscribe);
      // aedes emits before SUBACK is written; one turn later the subscription is live.
      setImmediate(resolve);
    };
    broker.aedes.on('subscribe', onSubscribe);
  });
}

/** Resolves after the broker has routed everything sent before: a round trip on a private topic. */
export async function roundTrip(client: MqttClient, topic: string): Promise<void> {
  const marker = randomBytes(6).toString('hex');
  const inbox = new Inbox(client);
  await client.subscribeAsync(topic);
  await client.publishAsync(topic, marker, { qos: 1 });
  await inbox.next((m) => m.payload === marker, 'round trip');
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a command to completion (mosquitto_pub/mosquitto_sub), bounded by a timeout. */
export function run(cmd: string, args: string[], timeoutMs = 10_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Start a long-running process and wait for a line on stdout that satisfies `ready`. */
export function spawnUntil(cmd: string, args: string[], ready: (line: string) => boolean, env?: NodeJS.ProcessEnv, timeoutMs = 15_000): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    let done = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} not ready in time; output: ${out}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      if (!done && out.split('\n').some(ready)) {
        done = true;
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      if (!done) {
        clearTimeout(timer);
        reject(new Error(`${cmd} exited with ${code}: ${out}`));
      }
    });
  });
}

export function killAndWait(child: ChildProcess, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export const uniquePrefix = (what: string) => `cva-test-${what}-${process.pid}-${randomBytes(4).toString('hex')}`;
