import type { z } from 'zod';
import { BridgeHealth, OFFLINE, ONLINE, mqttTopics, topicContract, type BridgeInfo, type MqttTopics, type TopicName } from '../contracts/mqtt.js';
import type { ApplianceEvents, EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { InternalBus } from './broker.js';

/** Extra health figures (CPU, memory, cameras…) merged into `bridge/health`. */
export type HealthProvider = () => Promise<Record<string, unknown>> | Record<string, unknown>;
export type InfoProvider = () => Promise<BridgeInfo> | BridgeInfo;

export interface MqttPublisherOptions {
  bus: InternalBus;
  events: EventBus;
  baseTopic: string;
  info: InfoProvider;
  health?: HealthProvider;
  healthIntervalSeconds: number;
  /** Connected MQTT clients, reported in `bridge/health`. */
  clientCount: () => number;
  log?: Logger;
  now?: () => Date;
}

/**
 * Publishes the appliance's events on the topic contract: bridge state/info/health, camera status,
 * visits, faces, counts and footfall. Every payload is checked against its contract schema first; a payload
 * that does not match is a producer bug, logged and not published.
 */
export class MqttPublisher implements Feature {
  readonly name = 'mqtt-publisher';
  readonly topics: MqttTopics;
  private readonly log: Logger;
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private detach: (() => void) | null = null;
  private counters = { published: 0, rejected: 0, failed: 0 };

  private readonly baseLevels: number;

  constructor(private readonly opts: MqttPublisherOptions) {
    this.topics = mqttTopics(opts.baseTopic);
    this.baseLevels = opts.baseTopic.split('/').length;
    this.log = opts.log ?? createLogger('mqtt:publisher');
  }

  get stats(): { published: number; rejected: number; failed: number } {
    return { ...this.counters };
  }

  async start(): Promise<void> {
    await this.send('bridgeState', this.topics.bridgeState, ONLINE);
    await this.publishInfo();
    void this.publishHealth();
    const { events } = this.opts;
    const forward = (name: TopicName, topicOf: string | ((valid: unknown) => string)) => (e: unknown) => void this.send(name, topicOf, e);
    // Each bus event this bridge publishes, with the topic it goes to.
    const handlers: Array<[keyof ApplianceEvents, (e: unknown) => void]> = [
      ['face', forward('faces', this.topics.faces)],
      ['visit', forward('visits', this.topics.visits)],
      ['counts', forward('counts', this.topics.counts)],
      ['footfall', forward('footfall', this.topics.footfall)],
      ['footfallCounts', forward('footfallCounts', this.topics.footfallCounts)],
      ['cameraStatus', forward('cameraStatus', (stats) => this.topics.cameraStatus((stats as { cameraId: string }).cameraId))],
    ];
    for (const [event, handler] of handlers) events.on(event, handler);
    this.detach = () => {
      for (const [event, handler] of handlers) events.off(event, handler);
    };
    this.timer = setInterval(() => void this.publishHealth(), this.opts.healthIntervalSeconds * 1000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.detach?.();
    this.detach = null;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.send('bridgeState', this.topics.bridgeState, OFFLINE);
  }

  /** Re-publish `bridge/info` (the composition root calls this when cameras or the site change). */
  async publishInfo(): Promise<void> {
    try {
      await this.send('bridgeInfo', this.topics.bridgeInfo, await this.opts.info());
    } catch (e) {
      this.log.error('info provider failed', { error: (e as Error).message });
    }
  }

  async publishHealth(): Promise<void> {
    try {
      await this.send('bridgeHealth', this.topics.bridgeHealth, await this.healthPayload());
    } catch (e) {
      this.log.error('health provider failed', { error: (e as Error).message });
    }
  }

  /** The health document: the provider's figures plus the broker's own. */
  async healthPayload(): Promise<BridgeHealth> {
    const extra = (await this.opts.health?.()) ?? {};
    const now = this.opts.now?.() ?? new Date();
    return {
      ...extra,
      at: now.toISOString(),
      appUptimeSeconds: Math.round((now.getTime() - this.startedAt) / 1000),
      mqtt: { clients: this.opts.clientCount() },
    };
  }

  /**
   * Validate against the contract, then publish with the topic's retain flag and QoS. A topic built
   * from the payload (a camera id) is built only after validation and must be one clean level.
   */
  private async send(name: TopicName, topicOf: string | ((valid: unknown) => string), payload: unknown): Promise<void> {
    const spec = topicContract[name];
    const parsed = (spec.schema as z.ZodType).safeParse(payload);
    const topic = parsed.success ? (typeof topicOf === 'string' ? topicOf : topicOf(parsed.data)) : spec.pattern;
    const levels = topic.split('/');
    const cleanTopic = levels.length === spec.pattern.split('/').length + this.baseLevels && !levels.includes('') && !/[+#]/.test(topic);
    const problem = !parsed.success ? parsed.error.issues.slice(0, 3) : cleanTopic ? null : 'a topic level built from the payload is not one clean level';
    if (problem) {
      this.counters.rejected++;
      this.log.error('payload does not match the topic contract; not published', { topic, problem });
      return;
    }
    try {
      await this.opts.bus.publish(topic, JSON.stringify(parsed.data), { retain: spec.retained, qos: spec.qos });
      this.counters.published++;
    } catch (e) {
      this.counters.failed++;
      this.log.error('publish failed', { topic, error: (e as Error).message });
    }
  }
}
