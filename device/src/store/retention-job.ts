import type { z } from 'zod';
import type { RetentionSettings, Settings } from '../contracts/settings.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import type { Clock } from '../util/clock.js';
import type { CropStore } from './crop-store.js';
import { utcDayKey } from './day-id.js';

/** What retention needs of a day log (any DayLog<T> fits). */
export interface PrunableLog {
  readonly dir: string;
  deleteDaysBefore(day: string): Promise<string[]>;
}

const DAY_MS = 86_400_000;

export interface RetentionDeps {
  clock: Clock;
  /** At start; changes arrive through `onSettingsChanged` and apply from the next run. */
  retention: z.infer<typeof RetentionSettings>;
  crops: CropStore;
  /** Logs pruned by `visitDays` (visits, visit events…), whole days at a time. */
  dayLogs: readonly PrunableLog[];
  /** Customers whose last sighting is before `cutoff` (epoch ms). */
  unseenCustomers: (cutoff: number) => Promise<readonly string[]> | readonly string[];
  /**
   * Forget one person everywhere: identity links (identity module), embeddings and crops
   * (ApplianceStore.forgetPerson), visit counters. Called once per unseen customer.
   */
  forgetPerson: (personId: string) => Promise<void>;
  /** How often the job runs by itself; default daily. */
  intervalMs?: number;
  log?: Logger;
}

export interface RetentionReport {
  at: string;
  unknownCropsDeleted: number;
  customerCropsDeleted: number;
  customersForgotten: string[];
  logDaysDeleted: number;
  errors: string[];
}

/**
 * Deletes what the retention settings say is too old. Each class is independent, so one failure
 * (reported in `errors`) does not stop the others; the next run retries it.
 */
export class RetentionJob implements Feature {
  readonly name = 'retention';
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RetentionReport> | null = null;
  private readonly log: Logger;
  private retention: z.infer<typeof RetentionSettings>;

  constructor(private readonly deps: RetentionDeps) {
    this.log = deps.log ?? createLogger('retention');
    this.retention = deps.retention;
  }

  onSettingsChanged(next: Settings): void {
    this.retention = next.retention;
  }

  async start(): Promise<void> {
    if (this.timer) return;
    const every = this.deps.intervalMs ?? DAY_MS;
    this.timer = setInterval(() => void this.runNow().catch(() => {}), every);
    this.timer.unref();
    // First pass right away in the background: a box that was off for a while catches up.
    void this.runNow().catch(() => {});
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => {});
  }

  /** Run now (or join the run in progress). */
  runNow(): Promise<RetentionReport> {
    if (!this.running) {
      this.running = this.run().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async run(): Promise<RetentionReport> {
    const now = this.deps.clock.now();
    const r = this.retention;
    const report: RetentionReport = {
      at: new Date(now).toISOString(),
      unknownCropsDeleted: 0,
      customerCropsDeleted: 0,
      customersForgotten: [],
      logDaysDeleted: 0,
      errors: [],
    };
    const attempt = async (what: string, fn: () => Promise<void>) => {
      try {
        await fn();
      } catch (e) {
        report.errors.push(`${what}: ${(e as Error).message}`);
      }
    };
    const { crops } = this.deps;
    await attempt('unknown crops', async () => {
      report.unknownCropsDeleted = await crops.deleteAll(await crops.list({ kind: 'unknown', olderThan: now - r.unknownCropDays * DAY_MS }));
    });
    await attempt('customer crops', async () => {
      report.customerCropsDeleted = await crops.deleteAll(await crops.list({ kind: 'customer', olderThan: now - r.customerCropDays * DAY_MS }));
    });
    await attempt('unseen customers', async () => {
      for (const personId of await this.deps.unseenCustomers(now - r.customerUnseenDays * DAY_MS)) {
        await attempt(`forget ${personId}`, async () => {
          await this.deps.forgetPerson(personId);
          report.customersForgotten.push(personId);
        });
      }
    });
    // Keep `visitDays` whole days: files of days strictly before the cutoff's day go.
    const firstKept = utcDayKey(now - r.visitDays * DAY_MS);
    for (const log of this.deps.dayLogs) {
      await attempt(`log ${log.dir}`, async () => {
        report.logDaysDeleted += (await log.deleteDaysBefore(firstKept)).length;
      });
    }
    this.log.info('retention run', { ...report, customersForgotten: report.customersForgotten.length });
    return report;
  }
}
