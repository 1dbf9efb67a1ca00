import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { CameraStats } from '../contracts/camera.js';
import type { VisitEvent } from '../contracts/visit.js';
import type { BalenaReport } from '../contracts/balena.js';
import { ClaimCode, MAX_BATCH_ITEMS, type OutboxBacklog, type PersonForgotten, type SyncItem, type Versions } from '../contracts/sync.js';
import type { EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import { createLogger } from '../util/log.js';
import { Backoff } from '../util/backoff.js';
import { CloudClient, type SyncError } from './client.js';
import { CredentialStore, type CloudCredentials } from './credentials.js';
import { collectHeartbeat } from './heartbeat.js';
import { cameraStatusItem, footfallItem, forgetItem, heartbeatItem, visitItem, withoutPerson } from './items.js';
import type { FootfallCounts, FootfallHour } from '../contracts/footfall.js';
import { Outbox, type OutboxOptions } from './outbox.js';
import type { SiteNameSync } from './site-name.js';

/** Cloud retries: 1 s doubling to 5 min, with full jitter. */
export const CLOUD_BACKOFF = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 'full' } as const;
/** The update lock's reason while a batch is in flight. */
export const UPLOAD_LOCK_REASON = 'upload batch';

/** Where to sync to: from the set-up API's stored settings, or balena's CLOUD_URL / CLAIM_CODE. */
export interface CloudTarget {
  url: string | null;
  claimCode: string | null;
}

export function cloudTargetFromEnv(env: NodeJS.ProcessEnv = process.env): CloudTarget {
  return { url: env.CLOUD_URL || null, claimCode: env.CLAIM_CODE || null };
}

function normaliseCode(code: string | null): string | null {
  const r = ClaimCode.safeParse(code ?? '');
  return r.success ? r.data : null;
}

export type SyncState = 'unconfigured' | 'claiming' | 'ready' | 'uploading' | 'offline' | 'unauthorized' | 'refused';

export interface SyncStatus {
  state: SyncState;
  cloudUrl: string | null;
  deviceId: string | null;
  siteId: string | null;
  backlog: OutboxBacklog;
  lastUploadAt: string | null;
  lastError: SyncError | null;
  consecutiveFailures: number;
  rejectedItems: number;
  /** Items the cloud already had: replays after a crash or a lost answer. */
  duplicateItems: number;
}

export interface SyncServiceOptions {
  bus: EventBus;
  /** Holds the outbox segments and the credentials file, e.g. `<dataDir>/sync`. */
  dir: string;
  target: () => CloudTarget;
  versions: Versions;
  deviceName?: string;
  balenaUuid?: string | null;
  heartbeatIntervalMs?: number;
  /** Footfall today for the heartbeat (absent: no footfall figures). */
  footfall?: () => FootfallCounts;
  maxBatchItems?: number;
  outbox?: OutboxOptions;
  client?: CloudClient;
  backoff?: Backoff;
  /** Held around every upload batch, so balena does not stop the box between sending and acknowledging. */
  updateLock?: { hold<T>(reason: string, fn: () => Promise<T>): Promise<T> };
  /** Update lock and supervisor view, sent in every heartbeat. */
  balena?: () => BalenaReport | null;
  /** Keeps the site name in step with HQ (heartbeats carry the box's, upload answers bring HQ's). */
  siteName?: SiteNameSync;
  /** Staff display names when the owner shares them with HQ (setting cloud.shareStaffNames), else null. */
  staffNames?: () => Array<{ personId: string; displayName: string }> | null;
}

/**
 * Device → cloud synchronisation: visit events and camera status changes go into the durable
 * outbox the moment they happen; a loop claims the box once, then uploads the outbox in batches
 * and acknowledges only what the cloud answered for. Failures back off exponentially with jitter.
 */
export class SyncService implements Feature {
  readonly name = 'sync';
  private readonly log = createLogger('sync');
  private readonly creds: CredentialStore;
  private readonly client: CloudClient;
  private readonly backoff: Backoff;
  private outbox: Outbox | null = null;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private backingOff = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private refusedCode: string | null = null;
  private cancel = new AbortController();
  private readonly cameras = new Map<string, CameraStats>();
  private readonly sentCameraState = new Map<string, string>();
  private st: Omit<SyncStatus, 'backlog' | 'consecutiveFailures'> = {
    state: 'unconfigured', cloudUrl: null, deviceId: null, siteId: null, lastUploadAt: null, lastError: null, rejectedItems: 0, duplicateItems: 0,
  };
  private readonly onVisit = (e: VisitEvent) => this.enqueue(() => visitItem(e));
  private readonly onCamera = (s: CameraStats) => this.cameraChanged(s);
  private readonly onForget = (f: PersonForgotten) => this.forgetPerson(f);
  private readonly onFootfallHour = (h: FootfallHour) => this.enqueue(() => footfallItem(h));

  /**
   * Recording starts here, not in start(): whatever order the features start and stop in, every visit
   * event from now until close() reaches the outbox (closures the tracker makes while it starts, updates
   * it flushes while it stops).
   */
  constructor(private readonly opts: SyncServiceOptions) {
    this.creds = new CredentialStore(join(opts.dir, 'cloud-credentials.json'));
    this.client = opts.client ?? new CloudClient();
    this.backoff = opts.backoff ?? new Backoff(CLOUD_BACKOFF);
    this.record();
  }

  private record(): void {
    if (this.outbox) return;
    this.outbox = Outbox.open(join(this.opts.dir, 'outbox'), this.opts.outbox);
    this.opts.bus.on('visit', this.onVisit);
    this.opts.bus.on('cameraStatus', this.onCamera);
    this.opts.bus.on('footfallHour', this.onFootfallHour);
    this.opts.bus.on('forget', this.onForget);
  }

  /** Starts the upload loop and heartbeats (recording is already on; re-opened after a close()). */
  async start(): Promise<void> {
    this.record();
    this.running = true;
    this.cancel = new AbortController();
    const c = this.creds.load();
    if (c) this.adopt(c);
    this.loop = this.run();
    const every = this.opts.heartbeatIntervalMs ?? 60_000;
    this.heartbeatTimer = setInterval(() => void this.enqueueHeartbeat(), every);
    this.heartbeatTimer.unref();
    void this.enqueueHeartbeat();
  }

  /** Stops uploading; events are still recorded until close() (the tracker may stop after this). */
  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.running = false;
    this.cancel.abort();
    this.wakeUp?.();
    await this.loop;
    this.loop = null;
  }

  /** Stops recording and closes the outbox: after every producer of events has stopped. */
  async close(): Promise<void> {
    await this.stop();
    this.opts.bus.off('visit', this.onVisit);
    this.opts.bus.off('cameraStatus', this.onCamera);
    this.opts.bus.off('footfallHour', this.onFootfallHour);
    this.opts.bus.off('forget', this.onForget);
    this.outbox?.close();
    this.outbox = null;
  }

  status(): SyncStatus {
    return { ...this.st, backlog: this.backlog(), consecutiveFailures: this.backoff.failures };
  }

  backlog(): OutboxBacklog {
    return (
      this.outbox?.backlog() ?? { pendingItems: 0, pendingVisits: 0, pendingBytes: 0, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false }
    );
  }

  /** Try now, skipping any backoff wait (after the installer enters a claim code, or from tests). */
  syncNow(): void {
    this.wakeUp?.();
  }

  async enqueueHeartbeat(): Promise<void> {
    try {
      const payload = await collectHeartbeat({
        versions: this.opts.versions,
        cameras: [...this.cameras.values()],
        outbox: this.backlog(),
        dataPath: this.opts.dir,
        balena: this.opts.balena?.() ?? null,
      });
      const f = this.opts.footfall?.();
      if (f) payload.footfall = { entriesToday: f.entriesToday, exitsToday: f.exitsToday, occupancyNow: f.occupancyNow, captureRateToday: f.captureRateToday };
      payload.site = this.opts.siteName?.current();
      payload.staffNames = this.opts.staffNames?.() ?? null;
      this.enqueue(() => heartbeatItem(new Date().toISOString(), payload));
    } catch (e) {
      this.log.warn('heartbeat not collected', { error: String(e) });
    }
  }

  /** Items not yet sent lose the person id now; the cloud is told to do the same with what it has. */
  private forgetPerson(f: PersonForgotten): void {
    if (!this.outbox) return;
    try {
      const rewritten = this.outbox.rewrite((item) => withoutPerson(item, f));
      this.log.info('forgotten person removed from the outbox', { items: rewritten });
    } catch (e) {
      this.log.error('outbox rewrite failed', { error: String(e) });
    }
    this.enqueue(() => forgetItem(new Date().toISOString(), f));
  }

  private cameraChanged(s: CameraStats): void {
    this.cameras.set(s.cameraId, s);
    // Only state changes travel as their own items; the figures ride along in every heartbeat.
    const sig = `${s.state}|${s.lastError ?? ''}`;
    if (this.sentCameraState.get(s.cameraId) === sig) return;
    this.sentCameraState.set(s.cameraId, sig);
    this.enqueue(() => cameraStatusItem(new Date().toISOString(), s));
  }

  private enqueue(make: () => Parameters<Outbox['append']>[0]): void {
    if (!this.outbox) return;
    try {
      this.outbox.append(make());
    } catch (e) {
      // A failed append (disk full) must be loud: this is the only place data could be lost.
      this.log.error('outbox append failed', { error: String(e) });
      return;
    }
    if (!this.backingOff) this.wakeUp?.();
  }

  private adopt(c: CloudCredentials): void {
    Object.assign(this.st, { cloudUrl: c.cloudUrl, deviceId: c.deviceId, siteId: c.siteId });
  }

  private async run(): Promise<void> {
    while (this.running) {
      let wait: number;
      try {
        wait = await this.step();
      } catch (e) {
        this.log.error('sync step failed', { error: String((e as Error)?.stack ?? e) });
        wait = this.backoff.next();
      }
      if (wait > 0 && this.running) await this.sleep(wait);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((res) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        res();
      }
      this.wakeUp = () => {
        this.wakeUp = null;
        done();
      };
    });
  }

  private fail(state: SyncState, e: SyncError): number {
    if (!this.running) return 0; // cancelled by stop(): not a failure worth a state or a log line
    this.st.state = state;
    this.st.lastError = e;
    this.backingOff = true;
    const wait = this.backoff.next();
    this.log.warn(`sync: ${e.message}; retrying in ${Math.round(wait / 1000)} s`, { state, status: e.status, code: e.code });
    return wait;
  }

  /** One unit of work; returns how long to wait before the next one. */
  private async step(): Promise<number> {
    const outbox = this.outbox!;
    const creds = this.creds.load();
    // Re-claim only with an empty backlog (or a dead token), so pending visits go to the site they happened at.
    if (!creds || (this.newClaimCode(creds) && (outbox.size === 0 || this.st.state === 'unauthorized'))) return this.claim();
    if (outbox.size === 0) {
      this.st.state = 'ready';
      this.backingOff = false;
      return 60_000;
    }
    const items = outbox.peek(Math.min(this.opts.maxBatchItems ?? MAX_BATCH_ITEMS, MAX_BATCH_ITEMS));
    this.st.state = 'uploading';
    const lock = this.opts.updateLock;
    return lock ? lock.hold(UPLOAD_LOCK_REASON, () => this.uploadBatch(creds, items)) : this.uploadBatch(creds, items);
  }

  /** Sends one batch and acknowledges what the cloud answered for; returns the wait before the next step. */
  private async uploadBatch(creds: CloudCredentials, items: SyncItem[]): Promise<number> {
    const outbox = this.outbox!;
    const r = await this.client.upload(creds.cloudUrl, creds.token, {
      deviceId: creds.deviceId, siteId: creds.siteId, batchId: randomUUID(), items,
    }, this.cancel.signal);
    if (!r.ok) {
      if (r.error.kind === 'unauthorized') return this.fail('unauthorized', r.error);
      if (r.error.kind === 'refused') return this.fail('refused', r.error);
      return this.fail('offline', r.error);
    }
    // Every item has an answer; rejected ones can never succeed by retrying, so they are logged and acked.
    for (const x of r.value.results) {
      if (x.status === 'rejected') this.log.error('cloud rejected an item', { key: x.key, error: x.error });
    }
    this.st.rejectedItems += r.value.rejected;
    this.st.duplicateItems += r.value.duplicate;
    outbox.ack(items.length);
    if (r.value.site && this.opts.siteName) {
      const site = r.value.site;
      await this.opts.siteName
        .adopt(site)
        .then((renamed) => renamed && this.log.info(`site renamed in HQ: now "${site.name}"`))
        .catch((e) => this.log.warn('could not adopt the site name from HQ', { error: String(e) }));
    }
    this.backoff.reset();
    this.backingOff = false;
    this.st.lastError = null;
    this.st.lastUploadAt = new Date().toISOString();
    return 0;
  }

  /**
   * The installer entered a code other than the one this box was claimed with (moved to another
   * site or cloud): claim again. A code the cloud refused is not retried while the old token works.
   */
  private newClaimCode(creds: CloudCredentials): boolean {
    const code = normaliseCode(this.opts.target().claimCode);
    return code !== null && code !== creds.claimCode && code !== this.refusedCode;
  }

  private async claim(): Promise<number> {
    const t = this.opts.target();
    if (!t.url || !t.claimCode) {
      this.st.state = 'unconfigured';
      return 30_000;
    }
    this.st.state = 'claiming';
    const r = await this.client.claim(t.url, {
      claimCode: t.claimCode,
      deviceName: this.opts.deviceName ?? hostname(),
      balenaUuid: this.opts.balenaUuid ?? process.env.BALENA_DEVICE_UUID ?? null,
      versions: this.opts.versions,
    }, this.cancel.signal);
    if (!r.ok) {
      if (r.error.kind === 'refused') {
        this.refusedCode = normaliseCode(t.claimCode);
        if (this.creds.load()) {
          this.log.error('the new claim code was refused; carrying on with the current claim', { error: r.error.message });
          return 0;
        }
        return this.fail('refused', r.error);
      }
      return this.fail('offline', r.error);
    }
    this.refusedCode = null;
    const c: CloudCredentials = {
      cloudUrl: t.url, ...r.value, claimCode: normaliseCode(t.claimCode)!, claimedAt: new Date().toISOString(),
    };
    this.creds.save(c);
    this.adopt(c);
    this.backoff.reset();
    this.backingOff = false;
    this.st.lastError = null;
    this.log.info('claimed', { deviceId: c.deviceId, siteId: c.siteId, site: c.siteName });
    return 0;
  }
}
