import type { Visit, VisitKind } from '../contracts/visit.js';
import type { IdentityDecision, TrackedFace, TrackSummary } from '../tracking/types.js';
import type { Logger } from '../util/log.js';
import type { Result } from '../util/result.js';
import type { Sighting } from '../visits/sighting.js';
import type { BodySeen, FaceVisit, VisitorSink } from '../people/person-visits.js';
import { FragmentStitcher } from './fragment-stitcher.js';

/** Where decided sightings go (the VisitTracker). */
export interface SightingSink {
  observe(s: Sighting): Promise<Result<Visit, { code: string; message: string }>>;
  /** `from`'s open visit becomes `into`'s (VisitTracker.fold). */
  fold?(from: string, into: string, kind: 'staff' | 'customer'): Promise<unknown>;
}

/** Unidentified visits remembered per track, so a track identified after it ended takes its visit over. */
const MAX_REMEMBERED_UNIDENTIFIED = 1000;

/**
 * Frames a track must have been seen in to count as a real visitor when it is never identified: a track is
 * started only by a confident detection (the tracker's start score), and a few frames more rule out a flicker.
 */
export const MIN_VISITOR_DETECTIONS = 3;

interface Relayed {
  personId: string;
  kind: VisitKind;
  /** Quality of the best crop handed over for this track so far. */
  bestQuality: number;
}

/**
 * Turns a track's identity into visit sightings. When a track is decided (or re-decided as someone else) the
 * visit learns of it from the track's FIRST frame (arrival is when the person appeared, not when we were sure),
 * with its best crop; after that every frame the track is seen in is one sighting, carrying a crop only when it
 * beats the best. Demographics are decided over the whole track and sent once, when it ends.
 * A real track that ends never identified (too small, too blurred, or never sure) becomes ONE visit of an
 * unidentified visitor (`U-<track id>`, from its first to its last frame): counted, never a customer, unless it
 * continues a track that ended just before in the same place (fragment-stitcher.ts): then it joins that track's visit.
 * People counted by their bodies (person-visits.ts) join the visit of one of their faces, or become one
 * unidentified visitor each; `faceVisit` tells the people stage where each ended face track's sightings went.
 */
export class SightingRelay implements VisitorSink {
  private readonly tracks = new Map<string, Relayed>();
  /** Ended tracks that became unidentified visitors: track id → the visitor's id. */
  private readonly unidentified = new Map<string, string>();
  private readonly pending = new Set<Promise<unknown>>();
  /** Folds of unidentified visits into a person still being written, by the person's id (`fold`). */
  private readonly folding = new Map<string, Promise<void>>();
  /** Never-identified tracks that joined an earlier track's visit instead of opening one. */
  stitched = 0;
  /** Sightings handed over / refused by the visit tracker. */
  sent = 0;
  refused = 0;

  constructor(
    private readonly sink: SightingSink,
    private readonly log: Logger,
    private readonly faceVisit: (faceTrackId: string, visit: FaceVisit | null) => void = () => {},
    private readonly stitcher = new FragmentStitcher(),
  ) {}

  /**
   * A track's decision was made or changed. A track that continues an unidentified fragment visit (the stitching
   * rule: it broke off the same face just before) takes that visit over, as a late decision does: the person's one
   * visit starts at the first fragment.
   */
  decided(decision: IdentityDecision, summary: TrackSummary<TrackedFace>): void {
    const person = personOf(decision);
    if (!person) return;
    const known = this.tracks.get(summary.trackId);
    if (known && known.personId === person.personId) return;
    const continued = this.stitcher.continued(summary);
    if (continued?.kind === 'unidentified') this.fold(continued.personId, person);
    const best = summary.shots[0];
    const quality = best ? best.face.quality.score : 0;
    this.tracks.set(summary.trackId, { ...person, bestQuality: quality });
    const base = { ...person, cameraId: summary.cameraId };
    this.send({
      ...base,
      at: summary.firstSeenAt,
      age: null,
      gender: null,
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
      age: null,
      gender: null,
      quality: q,
      ...(better && face.crop ? { crop: face.crop } : {}),
    });
  }

  /**
   * A track ended. Its demographics, decided over the whole track, go to its visit as ONE sample. A track that was
   * never decided but was real is an unidentified visitor.
   */
  ended(trackId: string, summary?: TrackSummary<TrackedFace>): void {
    const relayed = this.tracks.get(trackId);
    this.tracks.delete(trackId);
    if (!summary) return this.faceVisit(trackId, relayed ? { personId: relayed.personId, kind: relayed.kind } : null);
    const demographics = { age: summary.ageMedian, gender: summary.gender, genderConfidence: summary.genderConfidence };
    if (relayed) {
      const { personId, kind } = relayed;
      if (summary.ageMedian !== null || summary.genderConfidence !== null) this.send({ personId, kind, cameraId: summary.cameraId, at: summary.lastSeenAt, ...demographics, quality: 0 });
      this.stitcher.record(summary, { personId, kind });
      return this.faceVisit(trackId, { personId, kind });
    }
    if (summary.detections < MIN_VISITOR_DETECTIONS) return this.faceVisit(trackId, null);
    // A fragment of a face track that broke on soft footage: its frames extend the visit it continues.
    const continued = this.stitcher.continued(summary);
    if (continued) this.stitched++;
    const visit = continued ?? { personId: `U-${summary.trackId}`.slice(0, 64), kind: 'unidentified' as const };
    const base = { ...visit, cameraId: summary.cameraId, quality: 0 };
    if (visit.kind === 'unidentified') this.remember(summary.trackId, visit.personId);
    this.stitcher.record(summary, visit);
    this.send({ ...base, at: summary.firstSeenAt, age: null, gender: null });
    this.send({ ...base, at: summary.lastSeenAt, ...demographics });
    this.faceVisit(trackId, visit);
  }

  /** The camera's view changed (a cut, a PTZ move): no track after it continues one before it. */
  viewChanged(cameraId: string, at: number): void {
    this.stitcher.viewChanged(cameraId, at);
  }

  /** A person seen by its body joins the visit of one of its faces, from its first to its last frame. */
  joinVisit(visit: FaceVisit, body: BodySeen): void {
    const base = { personId: visit.personId, kind: visit.kind, cameraId: body.cameraId, age: null, gender: null, quality: 0 };
    this.send({ ...base, at: body.firstSeenAt });
    if (body.lastSeenAt > body.firstSeenAt) this.send({ ...base, at: body.lastSeenAt });
  }

  /**
   * A counted person no face accounted for: ONE unidentified visit. Its face tracks (too fleeting for a visit of
   * their own) are remembered with it, so a late decision on one of them makes the visit that person's.
   */
  unidentifiedVisitor(visitorId: string, body: BodySeen, faceTrackIds: readonly string[]): void {
    for (const f of faceTrackIds) this.remember(f, visitorId);
    this.joinVisit({ personId: visitorId, kind: 'unidentified' }, body);
  }

  /**
   * A track that had already ended was decided (a customer formed from its lone face and a later track's): its
   * unidentified visit, if it had one (its own, or that of the counted person who held it), becomes the person's
   * (one visit, not an unidentified one and a customer one), then the person's sightings follow as for any decided
   * track (and `ended` tells a person track still waiting for this face where its visit now is).
   */
  decidedAfterEnd(decision: IdentityDecision, summary: TrackSummary<TrackedFace>): void {
    const visitor = this.unidentified.get(summary.trackId);
    const person = personOf(decision);
    this.unidentified.delete(summary.trackId);
    if (visitor && person) this.fold(visitor, person);
    this.decided(decision, summary);
    this.ended(summary.trackId, summary);
  }

  /**
   * The unidentified `visitor`'s open visit becomes `person`'s (VisitTracker.fold). The person's sightings wait
   * for it (`send`): one arriving first would open a visit of their own, and the folded one would end beside it.
   */
  private fold(visitor: string, person: { personId: string; kind: 'staff' | 'customer' }): void {
    const fold = this.sink.fold?.bind(this.sink);
    if (!fold) return;
    // Its fragments' visit is now the person's: a fragment after them continues the person's visit.
    this.stitcher.folded(visitor, person);
    const before = this.folding.get(person.personId) ?? Promise.resolve();
    const p = before.then(() => fold(visitor, person.personId, person.kind)).then(
      () => {},
      (e: unknown) => this.log.warn('unidentified visit not taken over', { visitor, personId: person.personId, error: String(e) }),
    );
    this.folding.set(person.personId, p);
    this.pending.add(p);
    void p.finally(() => {
      this.pending.delete(p);
      if (this.folding.get(person.personId) === p) this.folding.delete(person.personId);
    });
  }

  /** Resolves when every sighting handed over so far has been accepted or refused. */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.all([...this.pending]);
  }

  private remember(faceTrackId: string, visitorId: string): void {
    this.unidentified.set(faceTrackId, visitorId);
    if (this.unidentified.size > MAX_REMEMBERED_UNIDENTIFIED) this.unidentified.delete(this.unidentified.keys().next().value!);
  }

  private send(s: Sighting): void {
    const folding = this.folding.get(s.personId);
    const observed = folding ? folding.then(() => this.sink.observe(s)) : this.sink.observe(s);
    const p = observed.then(
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
