import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBus } from '../../device/src/events.js';
import { Settings, type SettingsInput } from '../../device/src/contracts/settings.js';
import type { BridgeInfo } from '../../device/src/contracts/mqtt.js';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { MqttService, type MqttServiceOptions } from '../../device/src/mqtt/mqtt-service.js';
import { repoRoot } from '../../device/src/util/paths.js';
import { addTestAccounts } from './helpers.js';

export interface TestService {
  service: MqttService;
  events: EventBus;
  settings: Settings;
  url: string;
  close(): Promise<void>;
}

/** `bridge/info` from the settings the test runs with and the package version. */
export async function infoFrom(settings: Settings, deviceId: string): Promise<BridgeInfo> {
  const pkg = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
  return {
    version: pkg.version,
    deviceId,
    siteName: settings.site.name,
    baseTopic: settings.mqtt.baseTopic,
    cameras: settings.cameras.map((c) => ({ id: c.id, name: c.name, enabled: c.enabled })),
    startedAt: new Date().toISOString(),
  };
}

/** The whole MQTT service on an ephemeral loopback port, with real accounts in a temp dir. */
export async function startTestService(input: SettingsInput = {}, extra: Partial<MqttServiceOptions> = {}): Promise<TestService> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-mqtt-svc-'));
  const settings = Settings.parse({ ...input, mqtt: { port: 0, ...input.mqtt } });
  const accounts = await JsonMqttAccountStore.open(join(dir, 'mqtt-accounts.json'));
  await addTestAccounts(accounts);
  const events = new EventBus();
  const deviceId = extra.deviceId ?? 'test-device-1';
  const info = await infoFrom(settings, deviceId);
  const service = new MqttService({ settings: settings.mqtt, accounts, events, deviceId, info: () => info, host: '127.0.0.1', ...extra });
  await service.start();
  return {
    service,
    events,
    settings,
    url: `mqtt://127.0.0.1:${service.broker.port}`,
    async close() {
      await service.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
