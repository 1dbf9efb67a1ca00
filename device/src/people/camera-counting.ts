/**
 * One camera's counting: person tracks against its directed lines (in/out) and zones (occupancy, dwell). A track's
 * anchor is its box centre as a fraction of the frame. Lines use hysteresis (a side is only taken beyond `margin`)
 * and must really be crossed (not gone round); crossings of a track not yet confirmed wait for its confirmation and
 * vanish with it if it never is. Entries come from the lines when the camera has any, else from its zones.
 */
import type { Box } from '../contracts/live.js';
import type { CountingLine, CountingZone, Direction, Point } from '../contracts/footfall.js';
import { crossesPolyline, insidePolygon, sideOfPolyline } from './counting-geometry.js';
import type { PersonTrack } from './person-tracker.js';

export interface Crossing {
  at: number;
  cameraId: string;
  source: { kind: 'line' | 'zone'; id: string };
  door: string | null;
  direction: Direction;
  track: PersonTrack;
}

export interface ZoneStay {
  zoneId: string;
  enteredAt: number;
  leftAt: number;
}

export interface CountingConfig {
  lines: readonly CountingLine[];
  zones: readonly CountingZone[];
}

/** How far from a line (fraction of the frame) a person must be for its side to count. */
export const LINE_MARGIN = 0.02;
/**
 * A track unseen this long no longer counts in a zone's occupancy, though it goes on (its occlusion budget is
 * longer): someone who walked out of view is not inside for another second and a half.
 */
export const OCCUPANCY_STALE_MS = 600;

interface LineState {
  /** +1 inside, −1 outside, null before a clear side was seen. */
  side: 1 | -1 | null;
  /** Where the side was last clearly seen. */
  at: Point | null;
}

interface TrackState {
  track: PersonTrack;
  lines: Map<string, LineState>;
  /** Zones the track is in, with the time it entered. */
  zones: Map<string, number>;
  /** Crossings seen before the track was confirmed. */
  pending: Crossing[];
}

export function anchorOf(box: Box, width: number, height: number): Point {
  return { x: (box.x + box.width / 2) / width, y: (box.y + box.height / 2) / height };
}

export class CameraCounting {
  private readonly tracks = new Map<string, TrackState>();
  private config: CountingConfig = { lines: [], zones: [] };

  constructor(readonly cameraId: string) {}

  /** New lines or zones (settings changed): counting restarts from the tracks' next positions. */
  configure(config: CountingConfig): void {
    const same = JSON.stringify(config.lines) === JSON.stringify(this.config.lines) && JSON.stringify(config.zones) === JSON.stringify(this.config.zones);
    if (same) return;
    this.config = { lines: [...config.lines], zones: [...config.zones] };
    this.tracks.clear();
  }

  /** Confirmed people in each zone at `at` (seen within OCCUPANCY_STALE_MS). */
  occupancy(at: number): Map<string, number> {
    const out = new Map<string, number>(this.config.zones.map((z) => [z.id, 0]));
    for (const s of this.tracks.values()) {
      if (!s.track.confirmed || at - s.track.lastSeenAt > OCCUPANCY_STALE_MS) continue;
      for (const id of s.zones.keys()) out.set(id, (out.get(id) ?? 0) + 1);
    }
    return out;
  }

  get zones(): readonly CountingZone[] {
    return this.config.zones;
  }

  /** One observation of a track at `at`; returns the crossings it completes (only for confirmed tracks). */
  observe(track: PersonTrack, at: number, anchor: Point): { crossings: Crossing[]; stays: ZoneStay[] } {
    let s = this.tracks.get(track.id);
    if (!s) {
      s = { track, lines: new Map(), zones: new Map(), pending: [] };
      this.tracks.set(track.id, s);
    }
    const found: Crossing[] = [];
    const stays: ZoneStay[] = [];
    for (const line of this.config.lines) this.observeLine(s, line, at, anchor, found);
    const zonesCount = this.config.lines.length === 0;
    for (const zone of this.config.zones) {
      const inside = insidePolygon(zone.polygon, anchor);
      const since = s.zones.get(zone.id);
      if (inside && since === undefined) {
        s.zones.set(zone.id, at);
        if (zonesCount) found.push(this.crossing(s, at, { kind: 'zone', id: zone.id }, zone.door, 'in'));
      } else if (!inside && since !== undefined) {
        s.zones.delete(zone.id);
        stays.push({ zoneId: zone.id, enteredAt: since, leftAt: at });
        if (zonesCount) found.push(this.crossing(s, at, { kind: 'zone', id: zone.id }, zone.door, 'out'));
      }
    }
    if (!track.confirmed) {
      s.pending.push(...found);
      return { crossings: [], stays: [] };
    }
    const crossings = [...s.pending, ...found];
    s.pending = [];
    return { crossings, stays };
  }

  /** A track ended: a person still in a zone has left it (counted out where zones count). */
  end(track: PersonTrack, at: number): { crossings: Crossing[]; stays: ZoneStay[] } {
    const s = this.tracks.get(track.id);
    this.tracks.delete(track.id);
    if (!s || !track.confirmed) return { crossings: [], stays: [] };
    const zonesCount = this.config.lines.length === 0;
    const crossings: Crossing[] = [];
    const stays: ZoneStay[] = [];
    for (const [zoneId, since] of s.zones) {
      stays.push({ zoneId, enteredAt: since, leftAt: at });
      const zone = this.config.zones.find((z) => z.id === zoneId);
      if (zone && zonesCount) crossings.push(this.crossing(s, at, { kind: 'zone', id: zoneId }, zone.door, 'out'));
    }
    return { crossings, stays };
  }

  private observeLine(s: TrackState, line: CountingLine, at: number, p: Point, found: Crossing[]): void {
    const raw = sideOfPolyline(line.points, p, LINE_MARGIN);
    if (raw === 0) return;
    const side: 1 | -1 = (line.inSide === 'right' ? raw : -raw) as 1 | -1;
    const st = s.lines.get(line.id) ?? { side: null, at: null };
    if (st.side !== null && st.at && side !== st.side && crossesPolyline(line.points, st.at, p)) {
      found.push(this.crossing(s, at, { kind: 'line', id: line.id }, line.door, side === 1 ? 'in' : 'out'));
    }
    s.lines.set(line.id, { side, at: p });
  }

  private crossing(s: TrackState, at: number, source: Crossing['source'], door: string | null, direction: Direction): Crossing {
    return { at, cameraId: this.cameraId, source, door, direction, track: s.track };
  }
}
