import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Feature } from '../../device/src/util/feature.js';
import { createLogger } from '../../device/src/util/log.js';
import { createApp } from './app.js';
import type { BalenaFleet } from './balena/balena-fleet.js';
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
}

/** cloud-sync as a Feature: migrates, serves HTTP, refreshes rollups and prunes old heartbeats. */
export class CloudServer implements Feature {
  readonly name = 'cloud-sync';
  private server: Server | null = null;
  private timers: NodeJS.Timeout[] = [];
  private readonly log = createLogger('cloud');

  constructor(private readonly opts: CloudServerOptions) {}

  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? 0;
  }

  async start(): Promise<void> {
    const applied = await migrate(this.opts.db);
    if (applied.length) this.log.info('migrations applied', { applied });
    const app = createApp(this.opts.db, this.opts.balena ?? null);
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
