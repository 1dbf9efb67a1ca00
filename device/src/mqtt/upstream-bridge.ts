import mqtt, { type MqttClient } from 'mqtt';
import { OFFLINE, ONLINE, mqttTopics } from '../contracts/mqtt.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { BrokerMessage, InternalBus } from './broker.js';

export interface UpstreamBridgeConfig {
  url: string;
  username?: string;
  password?: string;
  /** Upstream base topic; our `<base>/x` is forwarded as `<topicPrefix>/x`. */
  topicPrefix: string;
}

export interface UpstreamBridgeOptions {
  bus: InternalBus;
  baseTopic: string;
  config: UpstreamBridgeConfig;
  clientId: string;
  /** Non-retained messages kept while upstream is unreachable; the oldest go first. */
  maxQueued?: number;
  reconnectPeriodMs?: number;
  log?: Logger;
}

export interface UpstreamBridgeStats {
  connected: boolean;
  forwarded: number;
  queued: number;
  dropped: number;
}

/** Local topics that are not forwarded: the bridge speaks for its own state, and requests stay local. */
const LOCAL_ONLY = ['bridge/state', 'bridge/request/', 'bridge/response/'];

/**
 * Forwards the appliance's events to an upstream broker with mqtt.js. Upstream `bridge/state` is
 * the bridge's own: `online` on every connect, `offline` on a clean stop and as its last will, so a
 * killed or unplugged appliance reads `offline` upstream. While upstream is unreachable messages
 * wait in a bounded queue; retained topics keep only their latest value, which is never dropped.
 */
export class UpstreamBridge implements Feature {
  readonly name = 'mqtt-upstream-bridge';
  private client: MqttClient | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  private readonly queue: BrokerMessage[] = [];
  private readonly retained = new Map<string, BrokerMessage>();
  private readonly log: Logger;
  private readonly prefix: string;
  private counters = { forwarded: 0, dropped: 0 };

  constructor(private readonly opts: UpstreamBridgeOptions) {
    this.log = opts.log ?? createLogger('mqtt:bridge');
    this.prefix = `${opts.baseTopic}/`;
  }

  get stats(): UpstreamBridgeStats {
    return { connected: this.client?.connected ?? false, forwarded: this.counters.forwarded, queued: this.queue.length + this.retained.size, dropped: this.counters.dropped };
  }

  /** The upstream topic for one of ours. */
  upstreamTopic(localTopic: string): string {
    return `${this.opts.config.topicPrefix}/${localTopic.slice(this.prefix.length)}`;
  }

  async start(): Promise<void> {
    const { config, clientId } = this.opts;
    const stateTopic = mqttTopics(config.topicPrefix).bridgeState;
    const client = mqtt.connect(config.url, {
      clientId,
      username: config.username,
      password: config.password,
      clean: true,
      reconnectPeriod: this.opts.reconnectPeriodMs ?? 2000,
      connectTimeout: 10_000,
      queueQoSZero: false,
      will: { topic: stateTopic, payload: Buffer.from(JSON.stringify(OFFLINE)), qos: 1, retain: true },
    });
    this.client = client;
    // While upstream stays down every retry fails the same way: warn once, then only at debug level.
    let lastError: string | null = null;
    client.on('connect', () => {
      lastError = null;
      this.log.info('upstream connected', { url: config.url });
      client.publish(stateTopic, JSON.stringify(ONLINE), { qos: 1, retain: true });
      this.flush();
    });
    client.on('close', () => this.log.debug('upstream connection closed'));
    client.on('error', (e) => {
      (e.message === lastError ? this.log.debug : this.log.warn)('upstream error', { error: e.message });
      lastError = e.message;
    });
    this.unsubscribe = await this.opts.bus.subscribe(`${this.opts.baseTopic}/#`, (m) => this.onLocal(m));
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
    const client = this.client;
    this.client = null;
    if (!client) return;
    if (client.connected) {
      await client
        .publishAsync(mqttTopics(this.opts.config.topicPrefix).bridgeState, JSON.stringify(OFFLINE), { qos: 1, retain: true })
        .catch((e: Error) => this.log.warn('offline state not delivered upstream', { error: e.message }));
    }
    await client.endAsync();
  }

  /** Resolves once upstream has accepted a connection (for callers that want to wait). */
  connected(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.reject(new Error('bridge not started'));
    if (client.connected) return Promise.resolve();
    return new Promise((resolve) => client.once('connect', () => resolve()));
  }

  private onLocal(m: BrokerMessage): void {
    const rel = m.topic.slice(this.prefix.length);
    if (LOCAL_ONLY.some((p) => rel === p || (p.endsWith('/') && rel.startsWith(p)))) return;
    if (this.client?.connected) return this.forward(m);
    if (m.retain) {
      this.retained.set(m.topic, m);
      return;
    }
    this.queue.push(m);
    const max = this.opts.maxQueued ?? 1000;
    while (this.queue.length > max) {
      this.queue.shift();
      this.counters.dropped++;
    }
  }

  private flush(): void {
    const pending = [...this.retained.values(), ...this.queue.splice(0)];
    this.retained.clear();
    for (const m of pending) this.forward(m);
    if (pending.length) this.log.info('queued messages forwarded', { count: pending.length });
  }

  private forward(m: BrokerMessage): void {
    // QoS 1: mqtt.js keeps unacknowledged messages and resends them after a reconnect.
    this.client?.publish(this.upstreamTopic(m.topic), m.payload, { qos: 1, retain: m.retain }, (e) => {
      if (e) this.log.warn('forward failed', { topic: m.topic, error: e.message });
    });
    this.counters.forwarded++;
  }
}
