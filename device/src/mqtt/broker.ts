import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { readFile } from 'node:fs/promises';
import type { Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { Settings } from '../contracts/settings.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { MqttAccountStore, MqttPrincipal } from './accounts.js';
import { TopicAcl } from './acl.js';
import { defaultLoginLimits, LoginLimiter, type LoginLimits } from '../util/login-limiter.js';
import { PacketSizeGuard } from './packet-size-guard.js';
import { deliverOutOfOrderMessages } from './delivery-order-fix.js';
import { attachWebSocket } from './websocket.js';

export type MqttSettings = Settings['mqtt'];

export interface MqttBrokerOptions {
  settings: Pick<MqttSettings, 'port' | 'baseTopic' | 'maxClients' | 'maxPayloadBytes' | 'tls'>;
  accounts: MqttAccountStore;
  /** Interface to listen on (default all); tests pass 127.0.0.1. */
  host?: string;
  /** Extra trees integrations may read (the Home Assistant discovery prefix when discovery is on). */
  readableRoots?: readonly string[];
  /** Password guessing limits (the web sign-in's by default): per-address rate and per-account lockout. */
  loginLimits?: LoginLimits;
  log?: Logger;
}

export interface PublishOptions {
  retain?: boolean;
  qos?: 0 | 1;
}

/** A message seen by an in-process subscriber. */
export interface BrokerMessage {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** What the appliance's own publishers need from the broker (also satisfied by test doubles-free wiring). */
export interface InternalBus {
  publish(topic: string, payload: string | Buffer, opts?: PublishOptions): Promise<void>;
  subscribe(filter: string, onMessage: (m: BrokerMessage) => void): Promise<() => Promise<void>>;
}

// MQTT allows a 64 KiB topic plus header fields on top of the payload.
const PACKET_OVERHEAD = 65_536 + 64;

const AUTH = { identifierRejected: 2, serverUnavailable: 3, badCredentials: 4, notAuthorized: 5 } as const;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** PEM text or a path to a PEM file. */
async function pem(value: string): Promise<string> {
  return value.includes('-----BEGIN') ? value : readFile(value, 'utf8');
}

/**
 * The appliance's MQTT broker (aedes): TCP, optional TLS and WebSocket listeners, account
 * authentication, the topic ACL and limits on clients and payload size. The appliance's own
 * publishes go through `publish()` and bypass authentication.
 */
export class MqttBroker implements Feature, InternalBus {
  readonly name = 'mqtt-broker';
  readonly aedes: Aedes;
  private tcp: TcpServer | null = null;
  private tls: TlsServer | null = null;
  private readonly principals = new WeakMap<Client, MqttPrincipal>();
  private readonly acl: TopicAcl;
  private readonly log: Logger;
  private readonly detachers = new Set<() => void>();
  private authenticating = 0;
  private readonly limiter: LoginLimiter;
  /** The remote address of each accepted connection (aedes sees only our size-guarded stream). */
  private readonly addresses = new WeakMap<object, string>();

  constructor(private readonly opts: MqttBrokerOptions) {
    this.log = opts.log ?? createLogger('mqtt');
    this.acl = new TopicAcl({ baseTopic: opts.settings.baseTopic, readableRoots: opts.readableRoots });
    this.limiter = new LoginLimiter(opts.loginLimits ?? defaultLoginLimits, undefined, true);
    this.aedes = new Aedes({
      authenticate: (client, username, password, done) => void this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => done(this.checkPublish(client, packet.topic, packet.payload)),
      authorizeSubscribe: (client, sub, done) => {
        const who = this.principals.get(client);
        const allowed = who !== undefined && this.acl.canSubscribe(who, sub.topic);
        if (!allowed) this.log.info('subscription refused', { client: client.id, user: who?.username, filter: sub.topic });
        // A null subscription is answered with a failure code in SUBACK; the client stays connected.
        done(null, allowed ? sub : null);
      },
    });
    this.aedes.on('clientError', (client, e) => this.log.debug('client error', { client: client.id, error: e.message }));
    this.aedes.on('connectionError', (client, e) => this.log.debug('connection error', { client: client?.id, error: e.message }));
  }

  /** Integrations may read these trees besides the base topic (the discovery prefix while discovery is on). */
  setReadableRoots(roots: readonly string[]): void {
    this.acl.setReadableRoots(roots);
  }

  /** TCP port actually listened on (after start; settings port 0 means ephemeral). */
  get port(): number {
    return (this.tcp?.address() as AddressInfo | null)?.port ?? 0;
  }

  get tlsPort(): number | null {
    return this.tls ? ((this.tls.address() as AddressInfo | null)?.port ?? null) : null;
  }

  get clientCount(): number {
    return this.aedes.connectedClients ?? 0;
  }

  get baseTopic(): string {
    return this.opts.settings.baseTopic;
  }

  async start(): Promise<void> {
    const { settings, host } = this.opts;
    await this.aedes.listen();
    this.tcp = createTcpServer((socket) => this.accept(socket));
    this.tcp.maxConnections = settings.maxClients + 16;
    await listen(this.tcp, settings.port, host);
    if (settings.tls) {
      const [cert, key] = await Promise.all([pem(settings.tls.cert), pem(settings.tls.key)]);
      this.tls = createTlsServer({ cert, key }, (socket) => this.accept(socket));
      this.tls.maxConnections = settings.maxClients + 16;
      await listen(this.tls, settings.tls.port, host);
    }
    this.log.info('broker listening', { port: this.port, tlsPort: this.tlsPort });
  }

  async stop(): Promise<void> {
    for (const detach of this.detachers) detach();
    this.detachers.clear();
    await new Promise<void>((resolve) => this.aedes.close(() => resolve()));
    await Promise.all([close(this.tcp), close(this.tls)]);
    this.tcp = this.tls = null;
  }

  /** Hand a raw client connection (TCP, TLS or WebSocket stream) to the broker, size-guarded. */
  accept(conn: Duplex, req?: import('node:http').IncomingMessage): void {
    const guarded = new PacketSizeGuard(conn, this.opts.settings.maxPayloadBytes + PACKET_OVERHEAD);
    const address = (conn as { remoteAddress?: string }).remoteAddress ?? req?.socket.remoteAddress;
    if (address) this.addresses.set(guarded, address);
    guarded.on('error', (e) => this.log.debug('connection closed', { error: e.message }));
    deliverOutOfOrderMessages(this.aedes.handle(guarded, req));
  }

  /** Serve MQTT over WebSocket on `path` of an HTTP server; returns a detach function. */
  attachWebSocket(httpServer: HttpServer, path = '/mqtt'): () => void {
    const detach = attachWebSocket(httpServer, (stream, req) => this.accept(stream, req), path);
    this.detachers.add(detach);
    return () => {
      detach();
      this.detachers.delete(detach);
    };
  }

  publish(topic: string, payload: string | Buffer, opts: PublishOptions = {}): Promise<void> {
    const packet = {
      cmd: 'publish' as const,
      topic,
      payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
      qos: opts.qos ?? 0,
      retain: opts.retain ?? false,
      dup: false,
    };
    return new Promise((resolve, reject) => this.aedes.publish(packet, (e) => (e ? reject(e) : resolve())));
  }

  async subscribe(filter: string, onMessage: (m: BrokerMessage) => void): Promise<() => Promise<void>> {
    const deliver = (packet: { topic: string; payload: Buffer | string; retain?: boolean }, cb: () => void) => {
      // aedes' own heartbeat topics are broker plumbing, not messages.
      if (!packet.topic.startsWith('$SYS/')) {
        onMessage({ topic: packet.topic, payload: Buffer.from(packet.payload), retain: packet.retain ?? false });
      }
      cb();
    };
    await new Promise<void>((resolve) => this.aedes.subscribe(filter, deliver, resolve));
    return () => new Promise<void>((resolve) => this.aedes.unsubscribe(filter, deliver, resolve));
  }

  private async authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): Promise<void> {
    if (this.clientCount + this.authenticating >= this.opts.settings.maxClients) {
      this.log.warn('client refused: client limit reached', { client: client.id, maxClients: this.opts.settings.maxClients });
      return done(authError('client limit reached', AUTH.serverUnavailable), null);
    }
    if (!username || !password) return done(authError('username and password required', AUTH.notAuthorized), null);
    // Guesses are limited like the web sign-in: per address, and per account with escalating lockouts.
    // A locked account is refused without looking at the password, so guessing goes nowhere meanwhile.
    const address = this.addresses.get(client.conn as object) ?? 'unknown';
    const gate = this.limiter.check(username, address);
    if (!gate.allowed) {
      this.log.warn(`login refused: ${gate.reason === 'locked' ? 'account locked after failed passwords' : 'too many attempts from this address'}`, { client: client.id, user: username, retryAfterMs: gate.retryAfterMs });
      return done(authError(gate.reason === 'locked' ? 'account locked' : 'too many attempts', AUTH.notAuthorized), null);
    }
    this.authenticating++;
    try {
      const who = await this.opts.accounts.verify(username, password.toString('utf8'));
      if (!who) {
        this.limiter.recordFailure(username, address);
        this.log.info('login refused', { client: client.id, user: username });
        return done(authError('bad username or password', AUTH.badCredentials), null);
      }
      this.limiter.recordSuccess(username);
      // A client id belongs to the account using it: another account cannot take it over (aedes would
      // otherwise disconnect the session holding it). The same account reconnecting takes over as usual.
      const holder = (this.aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id];
      const holderAccount = holder ? this.principals.get(holder)?.username : undefined;
      if (holder && holder !== client && holderAccount !== undefined && holderAccount !== who.username) {
        this.log.warn('client id refused: in use by another account', { client: client.id, user: who.username });
        return done(authError('client id in use by another account', AUTH.identifierRejected), null);
      }
      this.principals.set(client, who);
      done(null, true);
    } catch (e) {
      this.log.error('account check failed', { error: (e as Error).message });
      done(authError('account check failed', AUTH.serverUnavailable), null);
    } finally {
      this.authenticating--;
    }
  }

  /** Client publishes (and their last wills) only; the appliance's own go straight to aedes.publish. */
  private checkPublish(client: Client | null, topic: string, payload: Buffer | string): Error | null {
    const who = client ? this.principals.get(client) : undefined;
    if (!who) return new Error('not authenticated');
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (size > this.opts.settings.maxPayloadBytes) {
      this.log.info('publish refused: payload too large', { user: who.username, topic, size });
      return new Error(`payload of ${size} bytes exceeds ${this.opts.settings.maxPayloadBytes}`);
    }
    if (!this.acl.canPublish(who, topic)) {
      this.log.info('publish refused by ACL', { user: who.username, topic });
      return new Error(`not allowed to publish to ${topic}`);
    }
    return null;
  }
}

function listen(server: TcpServer | TlsServer, port: number, host?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: TcpServer | TlsServer | null): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}
