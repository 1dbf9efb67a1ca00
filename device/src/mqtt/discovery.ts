import { mqttTopics, type BridgeInfo } from '../contracts/mqtt.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { InternalBus } from './broker.js';
import type { InfoProvider } from './publisher.js';

/** One retained Home Assistant discovery message. */
export interface DiscoveryMessage {
  topic: string;
  payload: Record<string, unknown>;
}

export const DEFAULT_DISCOVERY_PREFIX = 'homeassistant';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'x';

/**
 * Home Assistant MQTT discovery configs: people in the shop, staff in the shop, visits today and one
 * status sensor per camera, all bound to the appliance's availability (`bridge/state`).
 */
export function discoveryMessages(info: BridgeInfo, prefix = DEFAULT_DISCOVERY_PREFIX): DiscoveryMessage[] {
  const topics = mqttTopics(info.baseTopic);
  const node = `cva_${slug(info.deviceId)}`;
  const common = {
    availability_topic: topics.bridgeState,
    availability_template: '{{ value_json.state }}',
    payload_available: 'online',
    payload_not_available: 'offline',
    device: {
      identifiers: [node],
      name: `Customer Visit Appliance (${info.siteName})`,
      manufacturer: 'Customer Visit Appliance',
      model: 'Edge appliance',
      sw_version: info.version,
    },
  };
  const sensor = (object: string, config: Record<string, unknown>): DiscoveryMessage => ({
    topic: `${prefix}/sensor/${node}/${object}/config`,
    payload: { ...common, ...config, unique_id: `${node}_${object}`, object_id: `${node}_${object}` },
  });
  return [
    sensor('people_in_shop', { name: 'People in shop', state_topic: topics.counts, value_template: '{{ value_json.inShopNow }}', unit_of_measurement: 'people', state_class: 'measurement', icon: 'mdi:account-group' }),
    sensor('staff_in_shop', { name: 'Staff in shop', state_topic: topics.counts, value_template: '{{ value_json.staffInShopNow }}', unit_of_measurement: 'people', state_class: 'measurement', icon: 'mdi:badge-account' }),
    sensor('visits_today', { name: 'Visits today', state_topic: topics.counts, value_template: '{{ value_json.visitsToday }}', unit_of_measurement: 'visits', state_class: 'total_increasing', icon: 'mdi:store' }),
    ...info.cameras.map((c) =>
      sensor(`camera_${slug(c.id)}_status`, {
        name: `Camera ${c.name} status`,
        state_topic: topics.cameraStatus(c.id),
        value_template: '{{ value_json.state }}',
        json_attributes_topic: topics.cameraStatus(c.id),
        icon: 'mdi:cctv',
      }),
    ),
  ];
}

export interface HomeAssistantDiscoveryOptions {
  bus: InternalBus;
  info: InfoProvider;
  prefix?: string;
  log?: Logger;
}

/** Publishes the discovery configs (retained) and withdraws those of removed cameras on refresh. */
export class HomeAssistantDiscovery implements Feature {
  readonly name = 'mqtt-ha-discovery';
  private published = new Set<string>();
  private readonly log: Logger;

  constructor(private readonly opts: HomeAssistantDiscoveryOptions) {
    this.log = opts.log ?? createLogger('mqtt:discovery');
  }

  async start(): Promise<void> {
    await this.refresh();
  }

  /** Configs stay retained after a stop: Home Assistant shows the entities as unavailable, not gone. */
  async stop(): Promise<void> {}

  async refresh(): Promise<void> {
    const messages = discoveryMessages(await this.opts.info(), this.opts.prefix);
    const current = new Set(messages.map((m) => m.topic));
    for (const m of messages) await this.opts.bus.publish(m.topic, JSON.stringify(m.payload), { retain: true, qos: 1 });
    // An empty retained config removes the entity in Home Assistant.
    for (const stale of [...this.published].filter((t) => !current.has(t))) {
      await this.opts.bus.publish(stale, Buffer.alloc(0), { retain: true, qos: 1 });
    }
    this.published = current;
    this.log.debug('discovery published', { sensors: messages.length });
  }
}
