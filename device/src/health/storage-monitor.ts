import { statfs } from 'node:fs/promises';
import type { Feature } from '../util/feature.js';
export { isNoSpace } from '../util/client-fault.js';
import { createLogger, type Logger } from '../util/log.js';

export type StorageState = 'ok' | 'low' | 'full';

export interface StorageStatus {
  path: string;
  state: StorageState;
  freeBytes: number | null;
  totalBytes: number | null;
  /** One human line when the state is not ok. */
  message: string | null;
}

export interface StorageMonitorOptions {
  dir: string;
  /** Under this much free space face crops stop being written, so visits keep their room. */
  lowBytes?: number;
  /** Under this much, writes are expected to fail: the state is full. */
  fullBytes?: number;
  intervalMs?: number;
  log?: Logger;
}

const MB = 1024 * 1024;


/**
 * Watches the data folder's free space. Low: crops pause (the visits' own records are tiny and keep
 * going). Full: the API answers writes with 507 naming the problem. Health, metrics and MQTT show it.
 */
export class StorageMonitor implements Feature {
  readonly name = 'storage';
  private readonly log: Logger;
  private current: StorageStatus;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: StorageMonitorOptions) {
    this.log = opts.log ?? createLogger('storage');
    this.current = { path: opts.dir, state: 'ok', freeBytes: null, totalBytes: null, message: null };
  }

  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.intervalMs ?? 10_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  status(): StorageStatus {
    return this.current;
  }

  /** Why face crops are not written right now, or null when they are. */
  cropsPaused(): string | null {
    return this.current.state === 'ok' ? null : this.current.message;
  }

  /** A write failed for lack of space: full now, whatever the last check said. */
  noteNoSpace(): void {
    if (this.current.state !== 'full') this.set({ ...this.current, state: 'full', message: fullMessage(this.current) });
  }

  async check(): Promise<StorageStatus> {
    const low = this.opts.lowBytes ?? 200 * MB;
    const full = this.opts.fullBytes ?? 4 * MB;
    try {
      const s = await statfs(this.opts.dir);
      const freeBytes = s.bavail * s.bsize;
      const base = { path: this.opts.dir, freeBytes, totalBytes: s.blocks * s.bsize };
      const state: StorageState = freeBytes < full ? 'full' : freeBytes < low ? 'low' : 'ok';
      const message =
        state === 'full'
          ? fullMessage(base)
          : state === 'low'
            ? `the data disk is almost full (${mb(freeBytes)} free): face crops are paused, visits are still recorded`
            : null;
      this.set({ ...base, state, message });
    } catch (e) {
      this.log.warn('free space not readable', { dir: this.opts.dir, error: (e as Error).message });
    }
    return this.current;
  }

  private set(next: StorageStatus): void {
    if (next.state !== this.current.state) {
      if (next.state === 'ok') this.log.info('the data disk has room again: face crops resume');
      else this.log.error(next.message!);
    }
    this.current = next;
  }
}

function fullMessage(s: Pick<StorageStatus, 'path' | 'freeBytes'>): string {
  return `the data disk is full (${s.freeBytes === null ? 'no space left' : `${mb(s.freeBytes)} free`} at ${s.path}): changes cannot be saved until space is freed`;
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;
