import { after, before } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Accounts } from '../../device/src/accounts/accounts.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { defaultSettings, Settings } from '../../device/src/contracts/settings.js';
import { EventBus } from '../../device/src/events.js';
import { SystemHealth } from '../../device/src/health/system-health.js';
import { createHttpApp, type HttpApp } from '../../device/src/http/app.js';
import { SettingsCameraService } from '../../device/src/services/camera-service.js';
import type { HttpDeps } from '../../device/src/http/deps.js';
import { EventStream } from '../../device/src/http/live/event-stream.js';
import { LiveView, type LiveViewOptions } from '../../device/src/http/live/live-view.js';
import type { FrameFeed } from '../../device/src/frame/frame.js';
import { HttpServer } from '../../device/src/http/server.js';
import { DocumentSettingsService } from '../../device/src/services/settings-service.js';
import { ProcessSystemService, appVersion } from '../../device/src/services/system-service.js';
import { createLogger } from '../../device/src/util/log.js';
import type { CameraFrame } from '../../device/src/frame/frame.js';
import type { Clock } from '../../device/src/util/clock.js';

/** A frame feed the test pushes real decoded frames into (the camera manager's onFrame API shape). */
export class PushFeed implements FrameFeed {
  private readonly listeners = new Set<(f: CameraFrame) => void>();
  onFrame(listener: (f: CameraFrame) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  push(f: CameraFrame): void {
    for (const l of this.listeners) l(f);
  }
}

export interface Harness {
  dir: string;
  store: ApplianceStore;
  url: string;
  http: HttpApp;
  accounts: Accounts;
  settings: DocumentSettingsService;
  bus: EventBus;
  live: LiveView;
  feed: PushFeed;
  restarts: string[];
  /** Lines the accounts logger printed (the set-up code is among them). */
  logLines: string[];
  close(): Promise<void>;
}

export interface HarnessOptions {
  clock?: Clock;
  deps?: Partial<HttpDeps>;
  /** Services built on the harness's own store (identity, visits…), after it is open. */
  late?: (h: { dir: string; store: ApplianceStore; bus: EventBus; settings: DocumentSettingsService }) => Promise<Partial<HttpDeps>>;
  live?: Partial<LiveViewOptions>;
  /** Passed to HttpServer (e.g. MQTT over WebSocket). */
  attach?: (server: import('node:http').Server) => void;
  loginLimits?: Parameters<typeof Accounts.open>[0]['loginLimits'];
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'cva-http-'));
  const logLines: string[] = [];
  const base = createLogger('test');
  const capture = { ...base, info: (m: string, e?: Record<string, unknown>) => logLines.push(m + (e ? JSON.stringify(e) : '')) };
  const store = await ApplianceStore.open({ dir });
  const accounts = await Accounts.open({ persistence: store, clock: opts.clock, log: capture, env: {}, loginLimits: opts.loginLimits });
  const settings = new DocumentSettingsService(await store.document('settings', Settings, defaultSettings()));
  const bus = new EventBus();
  const feed = new PushFeed();
  const live = new LiveView(feed, bus, opts.live);
  await live.start();
  const events = new EventStream(bus);
  await events.start();
  const restarts: string[] = [];
  const deps: HttpDeps = {
    accounts,
    settings,
    system: new ProcessSystemService(accounts.deviceId, (r) => restarts.push(r)),
    health: new SystemHealth({ cameraStats: () => [], detectorMs: () => null }),
    events,
    bus,
    version: appVersion(),
    cameras: new SettingsCameraService(settings, null),
    crops: store.crops,
    live,
    ...opts.deps,
    ...(await opts.late?.({ dir, store, bus, settings })),
  };
  const http = createHttpApp(deps);
  const server = new HttpServer(http.app, { port: 0, host: '127.0.0.1', attach: opts.attach });
  await server.start();
  return {
    dir,
    store,
    url: server.url(),
    http,
    accounts,
    settings,
    bus,
    live,
    feed,
    restarts,
    logLines,
    async close() {
      await events.stop();
      await live.stop();
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A cookie-jar client: keeps the session and CSRF cookies and sends the CSRF header on unsafe methods. */
export class Client {
  cookies = new Map<string, string>();
  csrf: string | null = null;
  bearer: string | null = null;
  sendCsrf = true;

  constructor(readonly base: string) {}

  async fetch(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const h: Record<string, string> = { ...headers };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    if (this.csrf && this.sendCsrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (typeof body === 'string') {
      payload = body;
      h['content-type'] ??= 'application/json';
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['content-type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
    return res;
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.fetch(method, path, body);
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  async login(username: string, password: string): Promise<number> {
    const r = await this.json('POST', '/api/v1/auth/login', { username, password });
    if (r.status === 200) this.csrf = r.body.csrfToken;
    return r.status;
  }
}

export function setupCodeFrom(lines: string[]): string {
  const line = lines.find((l) => l.includes('SET-UP CODE'));
  const m = line && /SET-UP CODE: ([A-Z0-9-]+)/.exec(line);
  if (!m) throw new Error('no set-up code in the log');
  return m[1];
}

export const ADMIN = { username: 'alice', password: 'correct horse battery' };

/** Completes set-up and returns an admin client. */
export async function setUpAdmin(h: Harness): Promise<Client> {
  const c = new Client(h.url);
  const r = await c.json('POST', '/api/v1/setup', {
    setupCode: setupCodeFrom(h.logLines),
    admin: ADMIN,
    site: { name: 'Corner shop', timezone: 'Europe/Berlin' },
  });
  if (r.status !== 201) throw new Error(`set-up failed: ${r.status} ${JSON.stringify(r.body)}`);
  c.csrf = r.body.csrfToken;
  return c;
}

/** Creates a user with a role and returns a signed-in client for them. */
export async function userClient(h: Harness, admin: Client, username: string, role: 'admin' | 'manager' | 'viewer'): Promise<Client> {
  const password = `${username}-password-123`;
  const r = await admin.json('POST', '/api/v1/users', { username, password, role });
  if (r.status !== 201) throw new Error(`user create failed: ${r.status} ${JSON.stringify(r.body)}`);
  const c = new Client(h.url);
  const s = await c.login(username, password);
  if (s !== 200) throw new Error(`login failed ${s}`);
  return c;
}

/** A test suite's appliance: started with an admin signed in before the tests, closed after. */
export function adminSuite(opts: HarnessOptions = {}): { h: Harness; admin: Client } {
  const suite = {} as { h: Harness; admin: Client };
  before(async () => {
    suite.h = await startHarness(opts);
    suite.admin = await setUpAdmin(suite.h);
  });
  after(() => suite.h.close());
  return suite;
}
