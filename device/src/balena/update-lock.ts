import { closeSync, constants, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UpdateLockState } from '../contracts/balena.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import { HostOsLock } from './host-os-lock.js';

/** Where balena's supervisor looks for a service's update lock (supervisor ≥ 7.22; bind-mounted per service). */
export const BALENA_LOCK_PATH = '/tmp/balena/updates.lock';
/** Our lock files start with this, so a crashed run's leftover is recognised (and removed) at the next start. */
const MARKER = 'customer-visit-appliance';
/** The supervisor creates its own lock files as uid 65534 (nobody) before it stops a service for an update. */
const SUPERVISOR_UID = 65534;

/**
 * Under balena the supervisor names the file (`BALENA_APP_LOCK_PATH`, else its documented default);
 * elsewhere the same mechanism runs on a file in the data folder, so it is exercised (and visible)
 * without touching a machine-wide path.
 */
export function updateLockPath(env: NodeJS.ProcessEnv, dataDir: string): string {
  if (env.BALENA_APP_LOCK_PATH?.trim()) return env.BALENA_APP_LOCK_PATH.trim();
  return env.BALENA === '1' || env.BALENA_SUPERVISOR_ADDRESS ? BALENA_LOCK_PATH : join(dataDir, 'updates.lock');
}

export interface UpdateLockOptions {
  path?: string;
  /** The longest the lock is held at one stretch (settings.updates.maxHoldHours), read at each acquisition. */
  maxHoldMs?: () => number;
  /** After a maximum hold, how long the box lets updates through whatever asks for the lock. */
  yieldMs?: number;
  clock?: Clock;
  hostOsLock?: HostOsLock;
  log?: Logger;
}

/** Returned by acquire(): call once when the critical work is over. */
export type Release = () => Promise<void>;

/**
 * balena's update lock, shared by everything on the box that must not be interrupted by an update:
 * upload batches, store compaction, backup and restore, opening hours. The lock file exists while at
 * least one reason holds it; it is created with O_CREAT|O_EXCL (the supervisor's own check for
 * application updates) and flocked (host OS update reboots) and removed when the last reason lets go.
 * A maximum hold (default 24 h) bounds it, so a stuck operation or a 24-hour shop cannot refuse
 * updates forever: the lock is let go and not taken again for `yieldMs`.
 * When another process holds the file (the supervisor creates it right before stopping us), work goes
 * on without the lock: the update is already under way and every locked operation is crash-safe.
 */
export class UpdateLock implements Feature {
  readonly name = 'update-lock';
  readonly path: string;
  private readonly holds = new Map<number, string>();
  private nextId = 1;
  private fileHeld = false;
  private heldSince: number | null = null;
  private releaseBy: number | null = null;
  private yieldingUntil: number | null = null;
  private heldByOther = false;
  /** The last attempt to take the file failed (logged once until it works again). */
  private failed = false;
  private maxTimer: NodeJS.Timeout | null = null;
  private yieldTimer: NodeJS.Timeout | null = null;
  /** File operations run one at a time, so an acquire racing a release never leaves the wrong state. */
  private serial: Promise<unknown> = Promise.resolve();
  private readonly clock: Clock;
  private readonly hostOs: HostOsLock;
  private readonly log: Logger;

  constructor(private readonly opts: UpdateLockOptions = {}) {
    this.path = opts.path ?? BALENA_LOCK_PATH;
    this.clock = opts.clock ?? systemClock;
    this.hostOs = opts.hostOsLock ?? new HostOsLock();
    this.log = opts.log ?? createLogger('update-lock');
  }

  /** Removes a lock file our previous run left behind (a crash or SIGKILL skips the release). */
  async start(): Promise<void> {
    await this.exclusive(async () => {
      const content = readIfExists(this.path);
      if (content !== null && content.startsWith(MARKER)) {
        unlinkSync(this.path);
        this.log.warn(`removed the update lock a previous run left behind (${content.trim()})`);
      }
    });
  }

  async stop(): Promise<void> {
    if (this.yieldTimer) clearTimeout(this.yieldTimer);
    this.holds.clear();
    await this.exclusive(() => this.dropFile());
  }

  /** Runs `fn` while holding the lock for `reason` (the API the backup/restore and compaction use). */
  async hold<T>(reason: string, fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire(reason);
    try {
      return await fn();
    } finally {
      await release();
    }
  }

  /** Holds the lock for `reason` until the returned function is called. */
  async acquire(reason: string): Promise<Release> {
    const id = this.nextId++;
    this.holds.set(id, reason);
    await this.exclusive(() => this.sync());
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      this.holds.delete(id);
      await this.exclusive(() => this.sync());
    };
  }

  /** Re-evaluates after time passed (the yield window ending); the opening-hours rule calls it on each tick. */
  refresh(): Promise<void> {
    return this.exclusive(() => this.sync());
  }

  state(): UpdateLockState {
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      held: this.fileHeld,
      reasons: [...new Set(this.holds.values())].map((r) => r.slice(0, 100)).slice(0, 32),
      heldSince: iso(this.heldSince),
      releaseBy: iso(this.releaseBy),
      yieldingUntil: this.yielding() ? iso(this.yieldingUntil) : null,
      maxHoldHours: this.maxHoldMs() / 3_600_000,
      hostOsLock: this.hostOs.state,
      heldByOther: this.heldByOther,
      path: this.path,
    };
  }

  private maxHoldMs(): number {
    return this.opts.maxHoldMs?.() ?? 24 * 3_600_000;
  }

  private yielding(): boolean {
    return this.yieldingUntil !== null && this.clock.now() < this.yieldingUntil;
  }

  private exclusive<T>(fn: () => Promise<T> | T): Promise<T> {
    const next = this.serial.then(fn);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /** Makes the file match the holds: taken when something asks (and we are not yielding), dropped otherwise. */
  private async sync(): Promise<void> {
    if (this.fileHeld && this.releaseBy !== null && this.clock.now() >= this.releaseBy) await this.expire();
    const want = this.holds.size > 0 && !this.yielding();
    if (want && !this.fileHeld) {
      // The lock protects the work; it must never stop it. A lock that cannot be taken (read-only /tmp,
      // a full disk) is logged and the work goes on.
      await this.takeFile().catch((e: Error) => {
        if (!this.failed) this.log.error(`update lock ${this.path} could not be taken: ${e.message}; carrying on unlocked`);
        this.failed = true;
      });
    }
    else if (!want && this.fileHeld) await this.dropFile();
    else if (!want) this.heldByOther = false;
  }

  private async takeFile(): Promise<void> {
    mkdirSync(dirname(this.path), { recursive: true });
    let fd: number;
    try {
      fd = openSync(this.path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!this.heldByOther) this.log.info(`update lock ${this.path} is held by ${this.otherHolder()}: carrying on unlocked`);
      this.heldByOther = true;
      return;
    }
    const now = this.clock.now();
    try {
      writeSync(fd, `${MARKER} pid=${process.pid} since=${new Date(now).toISOString()}\n`);
    } finally {
      closeSync(fd);
    }
    this.fileHeld = true;
    this.heldByOther = false;
    this.failed = false;
    this.heldSince = now;
    this.releaseBy = now + this.maxHoldMs();
    if (!(await this.hostOs.acquire(this.path)) && this.hostOs.state !== 'unavailable') {
      this.log.warn('update lock: another process holds the flock; host OS updates are not held back by us');
    }
    this.maxTimer = setTimeout(() => void this.refresh(), Math.max(0, this.releaseBy - now) + 10);
    this.maxTimer.unref();
    // Debug: an upload batch takes and releases it every few seconds on a busy box.
    this.log.debug(`update lock taken (${[...new Set(this.holds.values())].join(', ')})`);
  }

  private async dropFile(): Promise<void> {
    if (this.maxTimer) clearTimeout(this.maxTimer);
    this.maxTimer = null;
    if (!this.fileHeld) return;
    this.fileHeld = false;
    this.heldSince = null;
    this.releaseBy = null;
    try {
      unlinkSync(this.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await this.hostOs.release();
    this.log.debug('update lock released');
  }

  private async expire(): Promise<void> {
    const hours = this.maxHoldMs() / 3_600_000;
    const yieldMs = this.opts.yieldMs ?? 3_600_000;
    this.yieldingUntil = this.clock.now() + yieldMs;
    // Whatever still asks for the lock gets it back when the window closes.
    if (this.yieldTimer) clearTimeout(this.yieldTimer);
    this.yieldTimer = setTimeout(() => void this.refresh(), yieldMs + 10);
    this.yieldTimer.unref();
    this.log.warn(`update lock held for its maximum of ${hours} h (${[...new Set(this.holds.values())].join(', ')}): letting updates through until ${new Date(this.yieldingUntil).toISOString()}`);
    await this.dropFile();
  }

  private otherHolder(): string {
    try {
      return statSync(this.path).uid === SUPERVISOR_UID ? 'the balena supervisor (an update is starting)' : 'another process';
    } catch {
      return 'another process';
    }
  }
}

function readIfExists(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
