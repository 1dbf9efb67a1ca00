/**
 * The site's footfall: counted crossings into hourly buckets (persisted), doors seen by several cameras counted
 * once, occupancy now, zone dwell and the capture rate (entrants whose face was identified). Publishes every
 * counted crossing (`footfall`) and the retained figures (`footfallCounts`) on the event bus.
 */
import { z } from 'zod';
import type { Direction, FootfallCounts, FootfallEvent, FootfallHour, ZoneOccupancy } from '../contracts/footfall.js';
import type { EventBus } from '../events.js';
import type { JsonDocument } from '../store/json-document.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { Feature } from '../util/feature.js';
import { startOfZonedDay } from '../visits/site-time.js';
import type { Crossing, ZoneStay } from '../people/camera-counting.js';

const HourCounts = z.object({ entries: z.number().int().min(0), exits: z.number().int().min(0), captured: z.number().int().min(0) });
/** The persisted document: hourly buckets keyed by the hour's start (UTC ISO). */
export const FootfallData = z.object({ hours: z.record(z.string(), HourCounts).default({}) });
export type FootfallData = z.infer<typeof FootfallData>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Two cameras of one door counting the same direction this close together saw the same person. */
export const DOOR_WINDOW_MS = 4000;

export interface FootfallCounterDeps {
  doc: JsonDocument<FootfallData>;
  bus: EventBus;
  timezone: () => string;
  /** Hourly buckets older than this are dropped (default 400 days, as visits). */
  retentionDays?: () => number;
  clock?: Clock;
  doorWindowMs?: number;
}

interface EntryRecord {
  hour: string;
  captured: boolean;
  at: number;
}

function hourKey(ms: number): string {
  return new Date(Math.floor(ms / HOUR) * HOUR).toISOString();
}

export class FootfallCounter implements Feature {
  readonly name = 'footfall';
  private readonly clock: Clock;
  /** Last counted crossing per door and direction: which camera, when. */
  private readonly lastAtDoor = new Map<string, { cameraId: string; at: number }>();
  /** Counted entries by person track (for a capture that comes after the entry). */
  private readonly entries = new Map<string, EntryRecord>();
  private readonly zoneOccupancy = new Map<string, ZoneOccupancy>();
  private readonly dwell = new Map<string, { day: number; total: number; count: number }>();
  private writes: Promise<unknown> = Promise.resolve();
  private prunedAt = 0;
  /** The buckets as counted (the document follows them, one durable write per change, in order). */
  private readonly buckets: Record<string, z.infer<typeof HourCounts>>;

  constructor(private readonly deps: FootfallCounterDeps) {
    this.clock = deps.clock ?? systemClock;
    this.buckets = structuredClone(deps.doc.data.hours) as Record<string, z.infer<typeof HourCounts>>;
  }

  async start(): Promise<void> {
    this.prune();
    this.publish();
  }

  async stop(): Promise<void> {
    await this.writes;
  }

  /** Waits for the bucket writes so far (tests, shutdown). */
  settled(): Promise<unknown> {
    return this.writes;
  }

  /** A line or zone counted someone. Returns the event as published (counted=false: the door already had it). */
  record(c: Crossing): FootfallEvent {
    if (this.clock.now() - this.prunedAt > HOUR) this.prune();
    const door = c.door ?? `camera:${c.cameraId}`;
    const key = `${door}|${c.direction}`;
    const last = this.lastAtDoor.get(key);
    const duplicate = !!last && last.cameraId !== c.cameraId && c.at - last.at <= (this.deps.doorWindowMs ?? DOOR_WINDOW_MS);
    if (!duplicate) this.lastAtDoor.set(key, { cameraId: c.cameraId, at: c.at });
    const event: FootfallEvent = {
      at: new Date(c.at).toISOString(),
      cameraId: c.cameraId,
      source: c.source,
      door: c.door,
      direction: c.direction,
      trackId: c.track.id,
      counted: !duplicate,
      personId: c.track.personId,
    };
    if (!duplicate) {
      const hour = hourKey(c.at);
      const captured = c.direction === 'in' && c.track.personId !== null;
      if (c.direction === 'in') this.entries.set(c.track.id, { hour, captured, at: c.at });
      this.bump(hour, c.direction, captured);
    }
    this.deps.bus.emit('footfall', event);
    this.publish();
    return event;
  }

  /** A person track's face was identified: its entry (if counted) now counts as captured. */
  identified(trackId: string): void {
    const e = this.entries.get(trackId);
    if (!e || e.captured) return;
    e.captured = true;
    this.bucket(e.hour).captured++;
    this.persist(e.hour);
    this.publish();
  }

  /** People who left a zone (for the zone's mean dwell today). */
  stayed(cameraId: string, stays: ZoneStay[]): void {
    const day = startOfZonedDay(this.clock.now(), this.deps.timezone());
    for (const s of stays) {
      const key = `${cameraId}|${s.zoneId}`;
      let d = this.dwell.get(key);
      if (!d || d.day !== day) this.dwell.set(key, (d = { day, total: 0, count: 0 }));
      d.total += (s.leftAt - s.enteredAt) / 1000;
      d.count++;
    }
  }

  /** A camera's zone occupancy now (after each analysed frame); publishes when it changed. */
  occupancy(cameraId: string, zones: Array<{ zoneId: string; name: string; occupancy: number }>): void {
    let changed = false;
    const seen = new Set<string>();
    for (const z of zones) {
      const key = `${cameraId}|${z.zoneId}`;
      seen.add(key);
      const prev = this.zoneOccupancy.get(key);
      const d = this.dwell.get(key);
      const meanDwellSeconds = d && d.count ? Math.round((d.total / d.count) * 10) / 10 : null;
      if (!prev || prev.occupancy !== z.occupancy || prev.name !== z.name || prev.meanDwellSeconds !== meanDwellSeconds) changed = true;
      this.zoneOccupancy.set(key, { cameraId, zoneId: z.zoneId, name: z.name, occupancy: z.occupancy, meanDwellSeconds });
    }
    for (const key of [...this.zoneOccupancy.keys()]) {
      if (key.startsWith(`${cameraId}|`) && !seen.has(key)) {
        this.zoneOccupancy.delete(key);
        changed = true;
      }
    }
    if (changed) this.publish();
  }

  /** The site's timezone (reports bucket days in it). */
  timezone(): string {
    return this.deps.timezone();
  }

  /** Hourly buckets in [from, to). */
  hours(from: number, to: number): FootfallHour[] {
    return Object.entries(this.buckets)
      .filter(([h]) => {
        const t = Date.parse(h);
        return t >= from && t < to;
      })
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([hour, c]) => ({ hour, ...c }));
  }

  counts(): FootfallCounts {
    const now = this.clock.now();
    const today = this.hours(startOfZonedDay(now, this.deps.timezone()), now + HOUR);
    const sum = (k: 'entries' | 'exits' | 'captured') => today.reduce((n, h) => n + h[k], 0);
    const thisHour = this.buckets[hourKey(now)];
    const zones = [...this.zoneOccupancy.values()];
    const entriesToday = sum('entries');
    const capturedToday = Math.min(sum('captured'), entriesToday);
    return {
      at: new Date(now).toISOString(),
      entriesToday,
      exitsToday: sum('exits'),
      entriesThisHour: thisHour?.entries ?? 0,
      exitsThisHour: thisHour?.exits ?? 0,
      occupancyNow: zones.length ? zones.reduce((n, z) => n + z.occupancy, 0) : Math.max(0, entriesToday - sum('exits')),
      capturedToday,
      captureRateToday: entriesToday ? capturedToday / entriesToday : null,
      zones,
    };
  }

  private bucket(hour: string): z.infer<typeof HourCounts> {
    return (this.buckets[hour] ??= { entries: 0, exits: 0, captured: 0 });
  }

  private bump(hour: string, direction: Direction, captured: boolean): void {
    const h = this.bucket(hour);
    if (direction === 'in') h.entries++;
    else h.exits++;
    if (captured) h.captured++;
    this.persist(hour);
  }

  /** Writes one bucket's current value (durably, in order; a failed write is retried with the next change). */
  private persist(hour: string): void {
    const h = this.buckets[hour];
    if (h) this.deps.bus.emit('footfallHour', { hour, ...h });
    this.writes = this.writes
      .then(() => this.deps.doc.update((d) => {
        const cur = this.buckets[hour];
        if (cur) d.hours[hour] = { ...cur };
        else delete d.hours[hour];
      }))
      .catch(() => undefined);
  }

  private publish(): void {
    this.deps.bus.emit('footfallCounts', this.counts());
  }

  /** Drops buckets past retention and entry records older than a day (at start, then at most hourly). */
  private prune(): void {
    const now = this.clock.now();
    this.prunedAt = now;
    const cutoff = hourKey(now - (this.deps.retentionDays?.() ?? 400) * DAY);
    for (const h of Object.keys(this.buckets)) {
      if (h >= cutoff) continue;
      delete this.buckets[h];
      this.persist(h);
    }
    for (const [id, e] of this.entries) if (now - e.at > DAY) this.entries.delete(id);
  }
}
