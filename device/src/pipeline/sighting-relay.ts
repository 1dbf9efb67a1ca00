import type { Visit } from '../contracts/visit.js';
import type { IdentityDecision, TrackedFace, TrackSummary } from '../tracking/types.js';
import type { Logger } from '../util/log.js';
import type { Result } from '../util/result.js';
import type { Sighting } from '../visits/sighting.js';

/** Where decided sightings go (the VisitTracker). */
export interface SightingSink {
  observe(s: Sighting): Promise<Result<Visit, { code: string; message: string }>>;
}

interface Relayed {
  personId: string;
  kind: 'staff' | 'customer';
  /** Quality of the best crop handed over for this track so far. */
  bestQuality: number;
}

/**
 * Turns a track's identity into visit sightings. When a track is decided (or re-decided as someone else) the
 * visit learns of it from the track's FIRST frame (arrival is when the person appeared, not when we were sure),
 * with the track's demographics so far and its best crop; after that every frame the track is seen in is one
 * sighting, carrying age/gender only for faces that were described and a crop only when it beats the best.
 * Nothing is sent for undecided tracks: a visit is always a person's.
 */
export class SightingRelay {
  private readonly tracks = new Map<string, Relayed>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Sightings handed over / refused by the visit tracker. */
  sent = 0;
  refused = 0;

  constructor(
    private readonly sink: SightingSink,
    private readonly log: Logger,
  ) {}

  /** A track's decision was made or changed. */
  decided(decision: IdentityDecision, summary: TrackSummary<TrackedFace>): void {
    const person = personOf(decision);
    if (!person) return;
    const known = this.tracks.get(summary.trackId);
    if (known && known.personId === person.personId) return;
    const best = summary.shots[0];
    const quality = best ? best.face.quality.score : 0;
    this.tracks.set(summary.trackId, { ...person, bestQuality: quality });
    const base = { ...person, cameraId: summary.cameraId };
    this.send({
      ...base,
      at: summary.firstSeenAt,
      age: summary.ageMedian,
      gender: summary.gender,
      quality,
      ...(best?.face.crop ? { crop: best.face.crop } : {}),
    });
    if (summary.lastSeenAt > summary.firstSeenAt) this.send({ ...base, at: summary.lastSeenAt, age: null, gender: null, quality: 0 });
  }

  /** A decided track was seen in one more frame. */
  seen(trackId: string, cameraId: string, at: number, face: TrackedFace): void {
    const r = this.tracks.get(trackId);
    if (!r) return;
    const described = face.embedding !== undefined;
    const q = face.quality.score;
    const better = described && face.crop !== undefined && q > r.bestQuality;
    if (better) r.bestQuality = q;
    this.send({
      personId: r.personId,
      kind: r.kind,
      cameraId,
      at,
      age: described && typeof face.age === 'number' ? face.age : null,
      gender: described && face.gender ? face.gender.value : null,
      quality: q,
      ...(better && face.crop ? { crop: face.crop } : {}),
    });
  }

  ended(trackId: string): void {
    this.tracks.delete(trackId);
  }

  /** Resolves when every sighting handed over so far has been accepted or refused. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private send(s: Sighting): void {
    const p = this.sink.observe(s).then(
      (r) => {
        if (r.ok) this.sent++;
        else {
          this.refused++;
          this.log.warn('sighting refused', { personId: s.personId, code: r.error.code, message: r.error.message });
        }
      },
      (e: unknown) => {
        this.refused++;
        this.log.error('sighting failed', { personId: s.personId, error: String(e) });
      },
    );
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }
}

function personOf(d: IdentityDecision): { personId: string; kind: 'staff' | 'customer' } | null {
  if (!d.personId || d.kind === 'unknown') return null;
  return { personId: d.personId, kind: d.kind };
}
