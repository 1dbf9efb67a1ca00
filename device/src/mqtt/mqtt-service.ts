import type { Server as HttpServer } from 'node:http';
import type { z } from 'zod';
import { sectionChanged, type Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { MqttAccountStore } from './accounts.js';
import { MqttBroker, type MqttSettings } from './broker.js';
import { registerBuiltinRequests } from './builtin-requests.js';
import { DEFAULT_DISCOVERY_PREFIX, HomeAssistantDiscovery } from './discovery.js';
import { MqttPublisher, type HealthProvider, type InfoProvider } from './publisher.js';
import { MqttRequestRouter, type RequestHandler } from './requests.js';
import { UpstreamBridge } from './upstream-bridge.js';

export interface MqttServiceOptions {
  settings: MqttSettings;
  accounts: MqttAccountStore;
  events: EventBus;
  deviceId: string;
  info: InfoProvider;
  health?: HealthProvider;
  /** Listen address (default all interfaces). */
  host?: string;
  log?: Logger;
}

/**
 * The whole MQTT side as one Feature for the composition root: broker, request router (with the
 * built-in requests), publisher, optional Home Assistant discovery and optional upstream bridge,
 * started in that order and stopped in reverse (the publisher's `offline` goes out before the
 * broker closes, and the bridge reports `offline` upstream).
 */
export class MqttService implements Feature {
  readonly name = 'mqtt';
  readonly broker: MqttBroker;
  readonly requests: MqttRequestRouter;
  readonly publisher: MqttPublisher;
  readonly discovery: HomeAssistantDiscovery | null;
  readonly bridge: UpstreamBridge | null;
  private readonly parts: Feature[];
  private started: Feature[] = [];

  constructor(opts: MqttServiceOptions) {
    const log = opts.log ?? createLogger('mqtt');
    const { settings } = opts;
    const discoveryOn = settings.homeAssistantDiscovery;
    this.broker = new MqttBroker({
      settings,
      accounts: opts.accounts,
      host: opts.host,
      readableRoots: discoveryOn ? [DEFAULT_DISCOVERY_PREFIX] : [],
      log: log,
    });
    const bus = this.broker;
    this.requests = new MqttRequestRouter({ bus, baseTopic: settings.baseTopic, log: log.child('requests') });
    this.publisher = new MqttPublisher({
      bus,
      events: opts.events,
      baseTopic: settings.baseTopic,
      info: opts.info,
      health: opts.health,
      healthIntervalSeconds: settings.healthIntervalSeconds,
      clientCount: () => this.broker.clientCount,
      log: log.child('publisher'),
    });
    registerBuiltinRequests(this.requests, { info: opts.info, health: () => this.publisher.healthPayload() });
    this.discovery = discoveryOn ? new HomeAssistantDiscovery({ bus, info: opts.info, log: log.child('discovery') }) : null;
    this.bridge = settings.bridge
      ? new UpstreamBridge({ bus, baseTopic: settings.baseTopic, config: settings.bridge, clientId: `cva-bridge-${opts.deviceId}`.slice(0, 64), log: log.child('bridge') })
      : null;
    // The bridge subscribes before the publisher starts, so `bridge/info` and the first retained values go upstream too.
    this.parts = [this.broker, this.requests, ...(this.bridge ? [this.bridge] : []), this.publisher, ...(this.discovery ? [this.discovery] : [])];
  }

  async start(): Promise<void> {
    for (const part of this.parts) {
      await part.start();
      this.started.push(part);
    }
  }

  async stop(): Promise<void> {
    for (const part of this.started.reverse()) await part.stop();
    this.started = [];
  }

  /** Register `bridge/request/<name>` (see MqttRequestRouter.register). */
  registerRequestHandler<S extends z.ZodType>(name: string, schema: S, handler: RequestHandler<S>): void {
    this.requests.register(name, schema, handler);
  }

  /** MQTT over WebSocket on the HTTP server (call after start). */
  attachWebSocket(httpServer: HttpServer, path = '/mqtt'): () => void {
    return this.broker.attachWebSocket(httpServer, path);
  }

  /** `bridge/info` and Home Assistant discovery name the cameras and the site (the rest of `mqtt` needs a restart). */
  async onSettingsChanged(next: Settings, prev: Settings): Promise<void> {
    if (sectionChanged(prev, next, 'cameras', 'site')) await this.refreshInfo();
  }

  /** Cameras or site changed: re-publish `bridge/info` and the discovery configs. */
  async refreshInfo(): Promise<void> {
    await this.publisher.publishInfo();
    await this.discovery?.refresh();
  }
}
