import type { OpeningHoursRule } from '../contracts/balena.js';
import { sectionChanged, type Settings } from '../contracts/settings.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import { isOpenAt, parseOpeningHours } from './opening-hours.js';
import type { Release, UpdateLock } from './update-lock.js';

export const OPENING_HOURS_REASON = 'opening hours';

/** The opening-hours rule in force: the page's settings win over the `CVA_OPENING_HOURS` device variable. */
export interface OpeningHoursPolicy {
  enabled: boolean;
  rules: OpeningHoursRule[];
  timezone: string;
  /** Where the rules came from, for logs and docs. */
  source: 'settings' | 'device variable' | 'none';
}

export function openingHoursPolicy(settings: Settings, envValue: string | undefined, log?: Logger): OpeningHoursPolicy {
  const fromEnv = envValue?.trim() ? parseOpeningHours(envValue) : null;
  if (fromEnv && !fromEnv.ok) log?.warn(`CVA_OPENING_HOURS ignored: ${fromEnv.error}`);
  const envRules = fromEnv?.ok ? fromEnv.value : [];
  const own = settings.updates.openingHours;
  const rules = own.length ? own : envRules;
  const source = own.length ? 'settings' : envRules.length ? 'device variable' : 'none';
  const enabled = (settings.updates.lockDuringOpeningHours ?? envRules.length > 0) && rules.length > 0;
  return { enabled, rules, timezone: settings.site.timezone, source };
}

/**
 * Holds the update lock while the shop is open, so a release lands after closing time instead of
 * interrupting counting. Checked every `intervalMs` (and on settings changes); the lock's own
 * maximum hold still applies.
 */
export class OpeningHoursHold implements Feature {
  readonly name = 'opening-hours-hold';
  private release: Release | null = null;
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    private readonly opts: {
      lock: UpdateLock;
      policy: () => OpeningHoursPolicy;
      clock?: Clock;
      intervalMs?: number;
      log?: Logger;
    },
  ) {
    this.log = opts.log ?? createLogger('opening-hours');
  }

  async start(): Promise<void> {
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.opts.intervalMs ?? 30_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.release?.();
    this.release = null;
  }

  /** Opening hours, the hold switch and the site's timezone apply at once. */
  async onSettingsChanged(next: Settings, prev: Settings): Promise<void> {
    if (sectionChanged(prev, next, 'updates', 'site')) await this.tick();
  }

  /** Takes or lets go of the lock for the current time; one tick at a time. */
  tick(): Promise<void> {
    this.ticking = this.ticking.then(() => this.apply()).catch((e) => this.log.error(`opening hours: ${(e as Error).message}`));
    return this.ticking;
  }

  private async apply(): Promise<void> {
    const p = this.opts.policy();
    const open = p.enabled && isOpenAt(p.rules, (this.opts.clock ?? systemClock).now(), p.timezone);
    if (open && !this.release) {
      this.release = await this.opts.lock.acquire(OPENING_HOURS_REASON);
      this.log.info(`shop open (${p.source}, ${p.timezone}): holding updates until closing time`);
    } else if (!open && this.release) {
      const r = this.release;
      this.release = null;
      await r();
      this.log.info('shop closed: updates may land now');
    }
    await this.opts.lock.refresh();
  }
}
