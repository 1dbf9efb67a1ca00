import type { Counts } from '../contracts/live.js';
import type { Settings } from '../contracts/settings.js';
import type { Visit, VisitEvent, VisitEventType } from '../contracts/visit.js';
import type { EventBus } from '../events.js';
import type { Clock } from '../util/clock.js';
import type { CropStore } from '../store/crop-store.js';
import type { DayLog } from '../store/day-log.js';
import type { StoredVisitEvent } from '../store/appliance-store.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import { err, ok, type Result } from '../util/result.js';
import { OpenVisit } from './open-visit.js';
import type { OpenVisitIndex } from './open-visit-index.js';
import type { PersonStats } from './person-stats.js';
import { Sighting } from './sighting.js';
import { startOfZonedDay, zonedDayKey } from './site-time.js';
import { dayKeyStart, dayOfId } from '../store/day-id.js';

export interface VisitTrackerDeps {
  visits: DayLog<Visit>;
  /**
   * Events history; when given, lifecycle events (`new`, `end`) are stored before they are emitted.
   * `update`s are not kept there: the visit record itself holds the latest state.
   */
  visitEvents?: DayLog<StoredVisitEvent>;
  stats: PersonStats;
  /**
   * Ids of open visits, so a restart resumes exactly those however old they are. Without it the
   * tracker looks for open visits in the last `resumeWindowMs` of history instead.
   */
  openIndex?: OpenVisitIndex;
  crops: CropStore;
  bus: EventBus;
  clock: Clock;
  /** At start; changes arrive through `onSettingsChanged`. */
  settings: VisitSettings;
  /**
   * At most one `update` event (and visit write) per visit per this many ms; due updates go out on
   * the next tick, batched into one write per day file. Default 10 s.
   */
  updateIntervalMs?: number;
  /** How often open visits are checked for the gap and pending updates. Default 5 s. */
  tickMs?: number;
  /** Without `openIndex`: how far back `start()` looks for visits left open. Default 3 days. */
  resumeWindowMs?: number;
  log?: Logger;
}

/** What of the settings visits depend on. */
export interface VisitSettings {
  visitGapMinutes: number;
  timezone: string;
}
export const visitSettingsOf = (s: Settings): VisitSettings => ({ visitGapMinutes: s.visitGapMinutes, timezone: s.site.timezone });

export type TrackerError = { code: 'invalid-sighting'; message: string } | { code: 'stopped'; message: string };

const DAY_MS = 86_400_000;

/**
 * Turns decided sightings into visits: one open visit per person across all cameras; a sighting
 * after `visitGapMinutes` of absence starts a new one. Every visit change is written to the store
 * BEFORE its event goes on the bus, so anything announced survives a crash. Detections between
 * announcements are folded in memory and written with the next (throttled) update, which tick()
 * sends for all due visits at once.
 */
export class VisitTracker implements Feature {
  readonly name = 'visits';
  private readonly open = new Map<string, OpenVisit>();
  /** Per-person promise chains: a person's sightings are handled strictly in order. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private today = { key: '', count: 0 };
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private readonly log: Logger;

  private settings: VisitSettings;

  constructor(private readonly deps: VisitTrackerDeps) {
    this.log = deps.log ?? createLogger('visits');
    this.settings = { ...deps.settings };
  }

  /** A new visit gap applies to the next sighting and tick; a new timezone to the next day count and query. */
  onSettingsChanged(next: Settings): void {
    this.settings = visitSettingsOf(next);
  }

  /** The site's timezone now (the query side reads it for day boundaries). */
  get timezone(): string {
    return this.settings.timezone;
  }

  private get gapMs(): number {
    return this.settings.visitGapMinutes * 60_000;
  }

  private get tz(): string {
    return this.settings.timezone;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const now = this.deps.clock.now();
    // A damaged day file must not keep the appliance from counting new visits: report it and go on.
    await this.resumeOpenVisits(now).catch((e) => this.log.error('could not resume open visits', { error: String(e) }));
    await this.countToday(now).catch((e) => this.log.error('could not count today’s visits', { error: String(e) }));
    this.emitCounts();
    this.timer = setInterval(() => void this.tick().catch((e) => this.log.error('tick failed', { error: String(e) })), this.deps.tickMs ?? 5000);
    this.timer.unref();
  }

  /** Writes pending updates and closes the visits whose gap elapsed; the rest resume at the next start. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.queues.values()]);
    // Visits stay open across a restart (open-visits.json): a box updated while a customer browses must
    // not split the visit. Close only what the gap already ended; write every update held back.
    const now = this.deps.clock.now();
    for (const ov of [...this.open.values()]) {
      if (now - ov.lastSeenMs > this.gapMs) await this.serial(ov.personId, () => this.closeVisit(ov));
      else await this.serial(ov.personId, () => this.publishIfDue(ov, now, true));
    }
    this.emitCounts();
  }

  /** Record one decided sighting. Resolves to the person's current visit once it is safe to act on. */
  observe(input: Sighting): Promise<Result<Visit, TrackerError>> {
    if (!this.running) return Promise.resolve(err({ code: 'stopped', message: 'visit tracker is not running' }));
    const parsed = Sighting.safeParse(input);
    if (!parsed.success) {
      const message = parsed.error.issues.map((i) => `${i.path.join('.') || 'sighting'}: ${i.message}`).join('; ');
      return Promise.resolve(err({ code: 'invalid-sighting', message }));
    }
    const s = parsed.data;
    return this.serial(s.personId, async () => ok(await this.apply(s)));
  }

  /**
   * The person was forgotten: their open visit (if any) closes now under the tombstone, without its crop,
   * so nothing written from here on names them.
   */
  forgetPerson(personId: string, tombstone: string): Promise<boolean> {
    return this.serial(personId, async () => {
      const ov = this.open.get(personId);
      if (!ov) return false;
      ov.rename(tombstone);
      this.open.delete(personId);
      this.open.set(tombstone, ov);
      await this.closeVisit(ov);
      return true;
    });
  }

  /**
   * Identity found that `from` is `into` (a customer who is a staff member, a retracted twin, a merge, or an
   * unidentified visitor whose track was identified after it ended): the open visit of `from` becomes theirs
   * (relabelled, written, announced as an update). When `into` already has an open visit, the relabelled one
   * ends now, so one person is never in two visits (a staff visit and a customer visit) at the same moment;
   * otherwise it simply goes on as `into`'s visit. The visit counters follow. Returns the relabelled visit.
   */
  async fold(from: string, into: string, kind: 'staff' | 'customer'): Promise<Visit | null> {
    await this.deps.stats.merge(from, into);
    return this.serial(into, () => this.serial(from, async () => {
      const ov = this.open.get(from);
      if (!ov) return null;
      const before = ov.published;
      const counted = await this.deps.stats.visits(into);
      const visitNumber = counted > 0 ? counted : await this.deps.stats.countVisit(into, kind, Date.parse(ov.current.arrivedAt));
      ov.current = { ...ov.current, personId: into, kind, visitNumber, returning: visitNumber > 1 };
      await this.deps.visits.upsert(ov.current.id, () => ov.current);
      ov.published = ov.current;
      await this.announce('update', before, ov.current);
      this.open.delete(from);
      if (this.open.has(into)) await this.endVisit(ov);
      else this.open.set(into, ov);
      this.emitCounts();
      this.log.info('visit folded into another person', { id: ov.current.id, from, into, kind, status: ov.current.status });
      return ov.current;
    }));
  }

  /** Close visits whose gap has elapsed and publish updates held back by the throttle. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now();
    const work: Promise<unknown>[] = [];
    for (const ov of this.open.values()) {
      if (now - ov.lastSeenMs > this.gapMs) work.push(this.serial(ov.personId, () => this.closeVisit(ov)));
      else if (ov.dirty && now - ov.lastPublishedAt >= this.updateMs) work.push(this.serial(ov.personId, () => this.publishIfDue(ov, now)));
    }
    await Promise.all(work);
    this.rollDay(now);
  }

  openVisits(): Visit[] {
    return [...this.open.values()].map((ov) => ov.current);
  }

  /** A person's visits, newest first (the open one as it is right now). */
  async visitsOf(personId: string, limit = 100): Promise<Visit[]> {
    // Only the days between the person's first and latest arrival can hold their visits.
    const span = await this.deps.stats.span(personId);
    const page = await this.deps.visits.page({
      limit,
      filter: (v) => v.personId === personId,
      ...(span ? { from: span.first, to: span.last + 1 } : {}),
    });
    const live = this.open.get(personId)?.current;
    return page.items.map((v) => (live && v.id === live.id ? live : v));
  }

  counts(): Counts {
    const now = this.deps.clock.now();
    this.rollDay(now);
    let inShopNow = 0;
    let staffInShopNow = 0;
    for (const ov of this.open.values()) ov.current.kind === 'staff' ? staffInShopNow++ : inShopNow++;
    return { at: new Date(now).toISOString(), inShopNow, staffInShopNow, visitsToday: this.today.count };
  }

  private get updateMs(): number {
    return this.deps.updateIntervalMs ?? 10_000;
  }

  private async apply(s: Sighting): Promise<Visit> {
    let ov = this.open.get(s.personId);
    if (ov && s.at - ov.lastSeenMs > this.gapMs) {
      await this.closeVisit(ov);
      ov = undefined;
    }
    if (!ov) return this.startVisit(s);
    // Folded in memory only: updates are written and announced by tick(), all due visits together,
    // so their day file is rewritten once per tick rather than once per visit (flash wear).
    const arrived = ov.current.arrivedAt;
    const floor = this.arrivalFloor(ov, s.at);
    ov.add(s, floor);
    if (ov.current.arrivedAt !== arrived) await this.arrivedEarlier(ov, floor !== undefined && s.at < floor);
    await this.maybeBetterCrop(ov, s);
    return ov.current;
  }

  /**
   * How early a sighting at `at` may move the visit's arrival, or undefined when it is not this visit's arrival
   * (seen more than the gap before it began: a late sighting of an earlier visit). The visit stays on the days it
   * was filed and counted under: its id's UTC day (the day file that holds it) and its arrival's local day
   * ("visits today" counted it there).
   */
  private arrivalFloor(ov: OpenVisit, at: number): number | undefined {
    const arrived = Date.parse(ov.current.arrivedAt);
    const day = dayOfId(ov.current.id);
    if (arrived - at > this.gapMs || !day) return undefined;
    return Math.max(dayKeyStart(day), startOfZonedDay(arrived, this.tz));
  }

  /** The visit's arrival moved earlier: the person's span follows (their visits are looked up within it). */
  private async arrivedEarlier(ov: OpenVisit, clamped: boolean): Promise<void> {
    const v = ov.current;
    if (v.kind !== 'unidentified') await this.deps.stats.arrivedEarlier(v.personId, Date.parse(v.arrivedAt));
    if (clamped) this.log.info('visit arrival held at the start of its day', { id: v.id, arrivedAt: v.arrivedAt });
  }

  private async startVisit(s: Sighting): Promise<Visit> {
    // An unidentified visitor is one track: never seen "again", so no counter is kept for it.
    const visitNumber = s.kind === 'unidentified' ? 1 : await this.deps.stats.countVisit(s.personId, s.kind, s.at);
    const at = new Date(s.at).toISOString();
    const visit: Visit = {
      id: this.deps.visits.newId(s.at),
      personId: s.personId,
      kind: s.kind,
      arrivedAt: at,
      lastSeenAt: at,
      departedAt: null,
      dwellSeconds: 0,
      cameras: [s.cameraId],
      detections: 0,
      bestCropId: null,
      demographics: { ageMedian: null, gender: null, samples: 0 },
      visitNumber,
      returning: visitNumber > 1,
      status: 'open',
    };
    const ov = new OpenVisit(visit, this.deps.clock.now());
    ov.add(s);
    await this.maybeBetterCrop(ov, s);
    await this.deps.openIndex?.add(visit.id);
    await this.deps.visits.append(ov.current);
    ov.published = ov.current;
    this.open.set(s.personId, ov);
    if (s.kind !== 'staff') this.countArrival(s.at);
    await this.announce('new', null, ov.current);
    this.emitCounts();
    this.log.info('visit opened', { id: visit.id, personId: s.personId, kind: s.kind, visitNumber, camera: s.cameraId });
    return ov.current;
  }

  private async maybeBetterCrop(ov: OpenVisit, s: Sighting): Promise<void> {
    if (!s.crop || s.quality <= ov.bestQuality) return;
    try {
      const ref = await this.deps.crops.saveUnlessPaused({ kind: s.kind === 'unidentified' ? 'unknown' : s.kind, personId: s.personId, at: s.at }, s.crop);
      if (ref) ov.setBestCrop(ref.id, s.quality);
    } catch (e) {
      // A bad crop never costs the visit itself.
      this.log.warn('crop not stored', { personId: s.personId, error: (e as Error).message });
    }
  }

  private async publishIfDue(ov: OpenVisit, now: number, force = false): Promise<void> {
    if (!ov.dirty || (!force && now - ov.lastPublishedAt < this.updateMs)) return;
    const before = ov.published;
    const after = ov.current;
    await this.deps.visits.upsert(after.id, () => after);
    ov.published = after;
    ov.lastPublishedAt = now;
    await this.dropStaleCrops(ov);
    await this.announce('update', before, after);
  }

  private async closeVisit(ov: OpenVisit): Promise<void> {
    if (this.open.get(ov.personId) !== ov) return;
    this.open.delete(ov.personId);
    await this.endVisit(ov);
  }

  /** Closes a visit no longer in the open map: written, removed from the open index, announced. */
  private async endVisit(ov: OpenVisit): Promise<void> {
    const before = ov.published;
    const after = ov.close();
    await this.deps.visits.upsert(after.id, () => after);
    await this.deps.openIndex?.remove(after.id);
    ov.published = after;
    await this.dropStaleCrops(ov);
    await this.announce('end', before, after);
    this.emitCounts();
    this.log.info('visit closed', { id: after.id, personId: after.personId, dwellSeconds: after.dwellSeconds, detections: after.detections });
  }

  private async dropStaleCrops(ov: OpenVisit): Promise<void> {
    for (const id of ov.staleCrops.splice(0)) await this.deps.crops.delete(id).catch(() => false);
  }

  private async announce(type: VisitEventType, before: Visit | null, after: Visit): Promise<void> {
    const now = this.deps.clock.now();
    const event: VisitEvent = { type, before, after, at: new Date(now).toISOString() };
    if (this.deps.visitEvents && type !== 'update') await this.deps.visitEvents.append({ id: this.deps.visitEvents.newId(now), ...event });
    this.deps.bus.emit('visit', event);
  }

  private emitCounts(): void {
    this.deps.bus.emit('counts', this.counts());
  }

  private countArrival(at: number): void {
    const key = zonedDayKey(at, this.tz);
    if (key === this.today.key) this.today.count++;
    else if (key > this.today.key) this.today = { key, count: 1 };
  }

  /** At local midnight "visits today" starts again from zero. */
  private rollDay(now: number): void {
    const key = zonedDayKey(now, this.tz);
    if (key > this.today.key) {
      this.today = { key, count: 0 };
      if (this.running) this.emitCounts();
    }
  }

  /** Visits left open by a crash: close those whose gap has passed, keep tracking the rest. */
  private async resumeOpenVisits(now: number): Promise<void> {
    const found = this.deps.openIndex ? await this.indexedOpenVisits() : await this.recentOpenVisits(now);
    for (const v of found) {
      if (this.open.has(v.personId)) continue;
      const ov = new OpenVisit(v, now);
      this.open.set(v.personId, ov);
      if (now - ov.lastSeenMs > this.gapMs) await this.closeVisit(ov);
    }
    if (found.length) this.log.info('resumed open visits', { found: found.length, stillOpen: this.open.size });
  }

  private async indexedOpenVisits(): Promise<Visit[]> {
    const index = this.deps.openIndex!;
    const found: Visit[] = [];
    for (const id of [...index.ids()]) {
      const v = await this.deps.visits.get(id);
      if (v?.status === 'open') found.push(v);
      else await index.remove(id); // crashed between index and visit write: nothing to resume
    }
    return found;
  }

  private async recentOpenVisits(now: number): Promise<Visit[]> {
    const found: Visit[] = [];
    for await (const v of this.deps.visits.scan({ from: now - (this.deps.resumeWindowMs ?? 3 * DAY_MS) })) if (v.status === 'open') found.push(v);
    return found;
  }

  private async countToday(now: number): Promise<void> {
    const key = zonedDayKey(now, this.tz);
    let count = 0;
    // Local day ⊂ [now - 2 days, now]: scan that window and keep the customer arrivals of today.
    for await (const v of this.deps.visits.scan({ from: now - 2 * DAY_MS, to: now + 1 })) {
      if (v.kind !== 'staff' && zonedDayKey(Date.parse(v.arrivedAt), this.tz) === key) count++;
    }
    this.today = { key, count };
  }

  private serial<R>(personId: string, fn: () => Promise<R> | R): Promise<R> {
    const prev = this.queues.get(personId) ?? Promise.resolve();
    const run = prev.then(fn);
    const settled = run.catch(() => {});
    this.queues.set(personId, settled);
    void settled.then(() => this.queues.get(personId) === settled && this.queues.delete(personId));
    return run;
  }
}
