import { z } from 'zod';
import { BridgeResponse, RequestName, Transaction, mqttTopics, type MqttTopics } from '../contracts/mqtt.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Result } from '../util/result.js';
import type { BrokerMessage, InternalBus } from './broker.js';

/** A request handler gets the validated request (without `transaction`) and answers with a Result. */
export type RequestHandler<S extends z.ZodType> = (data: z.infer<S>) => Result<unknown, string> | Promise<Result<unknown, string>>;

interface Registered {
  schema: z.ZodType;
  handler: (data: unknown) => Result<unknown, string> | Promise<Result<unknown, string>>;
}

export interface MqttRequestRouterOptions {
  bus: InternalBus;
  baseTopic: string;
  log?: Logger;
}

/**
 * `<base>/bridge/request/<x>` → handler → `<base>/bridge/response/<x>` with
 * `{data, status, error?, transaction?}`. Bad requests (not JSON, wrong types, unknown name) get an
 * error response; nothing a client sends can throw out of here.
 */
export class MqttRequestRouter implements Feature {
  readonly name = 'mqtt-requests';
  private readonly handlers = new Map<string, Registered>();
  private readonly topics: MqttTopics;
  private readonly log: Logger;
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(private readonly opts: MqttRequestRouterOptions) {
    this.topics = mqttTopics(opts.baseTopic);
    this.log = opts.log ?? createLogger('mqtt:requests');
  }

  /** Register `bridge/request/<name>`; a programming error (bad or duplicate name) throws. */
  register<S extends z.ZodType>(name: string, schema: S, handler: RequestHandler<S>): void {
    RequestName.parse(name);
    if (this.handlers.has(name)) throw new Error(`MQTT request '${name}' is already registered`);
    this.handlers.set(name, { schema, handler: handler as Registered['handler'] });
  }

  get requestNames(): string[] {
    return [...this.handlers.keys()].sort();
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.opts.bus.subscribe(this.topics.requestWildcard, (m) => void this.onMessage(m));
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Answer one request payload (exposed so HTTP or tests can reuse the same dispatch). */
  async answer(name: string, payload: Buffer): Promise<BridgeResponse> {
    let body: unknown = {};
    if (payload.length > 0) {
      try {
        body = JSON.parse(payload.toString('utf8'));
      } catch {
        return { data: {}, status: 'error', error: 'payload is not valid JSON' };
      }
    }
    const { transaction, data } = splitTransaction(body);
    const reply = (r: Omit<BridgeResponse, 'transaction'>): BridgeResponse => (transaction === undefined ? r : { ...r, transaction });
    const entry = this.handlers.get(name);
    if (!entry) return reply({ data: {}, status: 'error', error: `unknown request '${name}' (known: ${this.requestNames.join(', ')})` });
    const parsed = entry.schema.safeParse(data);
    if (!parsed.success) return reply({ data: {}, status: 'error', error: `invalid request: ${z.prettifyError(parsed.error)}` });
    try {
      const result = await entry.handler(parsed.data);
      return result.ok ? reply({ data: result.value ?? {}, status: 'ok' }) : reply({ data: {}, status: 'error', error: result.error });
    } catch (e) {
      this.log.error('request handler failed', { request: name, error: (e as Error).message });
      return reply({ data: {}, status: 'error', error: `request '${name}' failed: ${(e as Error).message}` });
    }
  }

  private async onMessage(m: BrokerMessage): Promise<void> {
    const name = m.topic.slice(this.topics.requestPrefix.length);
    if (m.retain) {
      // A retained request would replay on every start; clear it instead of executing it.
      // (The clearing publish itself arrives here as an empty retained message.)
      if (m.payload.length === 0) return;
      this.log.warn('retained request ignored and cleared', { topic: m.topic });
      await this.opts.bus.publish(m.topic, Buffer.alloc(0), { retain: true }).catch(() => {});
      return;
    }
    const response = await this.answer(name, m.payload);
    // `name` is one topic level without wildcards (it matched `+` in a PUBLISH), so it is safe to echo.
    await this.opts.bus
      .publish(this.topics.response(name), JSON.stringify(response), { qos: 1 })
      .catch((e: Error) => this.log.error('response publish failed', { error: e.message }));
  }
}

function splitTransaction(body: unknown): { transaction?: Transaction; data: unknown } {
  if (body === null || typeof body !== 'object' || Array.isArray(body) || !('transaction' in body)) return { data: body };
  const { transaction, ...data } = body as Record<string, unknown>;
  const t = Transaction.safeParse(transaction);
  return { transaction: t.success ? t.data : undefined, data };
}
