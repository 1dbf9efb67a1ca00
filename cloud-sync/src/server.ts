import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Feature } from '../../device/src/util/feature.js';
import { createLogger, type Logger } from '../../device/src/util/log.js';
import { createApp } from './app.js';
import type { BalenaFleet } from './balena/balena-fleet.js';
import { evaluateAlerts } from './alerts/evaluate.js';
import { sendDueDeliveries } from './alerts/deliveries.js';
import { announceFirstRun } from './people/first-run.js';
import { pruneSessions } from './people/sessions.js';
import type { LoginLimits } from '../../device/src/util/login-limiter.js';
import type { BackoffOptions } from '../../device/src/util/backoff.js';
import type { Db } from './db/types.js';
import { migrate } from './db/migrate.js';
import { pruneHeartbeats } from './fleet.js';
import { refreshRollup } from './rollup.js';

export interface CloudServerOptions {
  db: Db;
  port: number;
  host?: string;
  /** Background rollup refresh period (reports also refresh their own sites on read). */
  rollupIntervalMs?: number;
  heartbeatRetentionDays?: number;
  /** balena-sdk's view of the fleet (BALENA_API_KEY + BALENA_FLEET); null: heartbeats alone. */
  balena?: BalenaFleet | null;
  /** Alert rules are evaluated this often (default 30 s); due webhook deliveries are sent every deliveryIntervalMs (2 s). */
  alertIntervalMs?: number;
  deliveryIntervalMs?: number;
  deliveryBackoff?: BackoffOptions;
  loginLimits?: LoginLimits;
  pageDir?: string;
  /** The address printed with the first-run set-up code (default http://localhost:<port>/). */
  publicUrl?: string;
  log?: Logger;
}

/** cloud-sync as a Feature: migrates, serves HTTP, refreshes rollups and prunes old heartbeats. */
export class CloudServer implements Feature {
  readonly name = 'cloud-sync';
  private server: Server | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly log: Logger;

  constructor(private readonly opts: CloudServerOptions) {
    this.log = opts.log ?? createLogger('cloud');
  }

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const applied = await migrate(this.opts.db);
    if (applied.length) this.log.info('migrations applied', { applied });
    const app = createApp(this.opts.db, { loginLimits: this.opts.loginLimits, pageDir: this.opts.pageDir, balena: this.opts.balena ?? null });
    await new Promise<void>((res, rej) => {
      const s = app.listen(this.opts.port, this.opts.host ?? '127.0.0.1', (e?: Error) => (e ? rej(e) : res()));
      // Keep idle connections longer than clients and load balancers do (Node's 5 s default races
      // with a client reusing the socket at the moment the server closes it).
      s.keepAliveTimeout = 65_000;
      s.headersTimeout = 66_000;
      this.server = s;
    });
    this.every(this.opts.rollupIntervalMs ?? 10_000, () => refreshRollup(this.opts.db));
    this.every(3_600_000, () => pruneHeartbeats(this.opts.db, this.opts.heartbeatRetentionDays ?? 30));
    this.every(3_600_000, () => pruneSessions(this.opts.db));
    this.every(this.opts.alertIntervalMs ?? 30_000, () => evaluateAlerts(this.opts.db));
    this.every(this.opts.deliveryIntervalMs ?? 2_000, () => sendDueDeliveries(this.opts.db, this.opts.deliveryBackoff));
    await announceFirstRun(this.opts.db, this.log, this.opts.publicUrl ?? `http://localhost:${this.port}/`);
  }

  private every(ms: number, job: () => Promise<unknown>): void {
    let running = false;
    const t = setInterval(() => {
      if (running) return;
      running = true;
      job()
        .catch((e) => this.log.warn('background job failed', { error: String(e) }))
        .finally(() => (running = false));
    }, ms);
    t.unref();
    this.timers.push(t);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    const s = this.server;
    this.server = null;
    if (s) {
      s.closeAllConnections();
      await new Promise<void>((res) => s.close(() => res()));
    }
  }
}
