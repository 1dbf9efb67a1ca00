/**
 * Visits of people counted by their bodies. A person track that was counted entering (a counted `in` crossing of a
 * line, or of a zone on a camera without lines) is a visitor, and ONE visit is kept per visitor:
 * - if one of the faces its box held went to a visit (the face was identified, recognised, or became an
 *   unidentified visitor itself), the person joins that face's visit: one person, one visit, no double count,
 *   arriving when the body was first seen if that was before the face (the visit tracker moves the arrival);
 * - if none did (no face seen, or only fleeting ones), the person is an unidentified visitor of its own, from its
 *   first to its last frame; a face of it decided later folds that visit into the person's (the relay does it).
 * The visit is settled when the person track ends, after every face track it held has ended (their visits are
 * known only then): a person track may end before the face tracks it held.
 */
import type { VisitKind } from '../contracts/visit.js';
import type { PersonTrack } from './person-tracker.js';

/** The visit a face track's sightings went to. */
export interface FaceVisit {
  personId: string;
  kind: VisitKind;
}

/** A person seen by its body, as a visit takes it. */
export interface BodySeen {
  trackId: string;
  cameraId: string;
  firstSeenAt: number;
  lastSeenAt: number;
}

/** Where visitors' visits go (the pipeline's SightingRelay). */
export interface VisitorSink {
  /** The person seen by its body belongs to the visit of one of its faces. */
  joinVisit(visit: FaceVisit, body: BodySeen): void;
  /**
   * A visitor no face accounted for: one unidentified visit `visitorId`; a late decision on one of `faceTrackIds`
   * (faces too fleeting for a visit of their own) makes it that person's.
   */
  unidentifiedVisitor(visitorId: string, body: BodySeen, faceTrackIds: readonly string[]): void;
}

/** The visitor id of a person track that no face accounted for. */
export const visitorIdOf = (personTrackId: string): string => `U-${personTrackId}`.slice(0, 64);

export class PersonVisits {
  /** Face track → the visitor tracks (live or waiting) whose box held it. */
  private readonly holders = new Map<string, Set<PersonTrack>>();
  /** Face track → its visit (null: none), once it ended. */
  private readonly faceVisits = new Map<string, FaceVisit | null>();
  /** Ended visitors still waiting for a face track to end. */
  private readonly waiting = new Set<PersonTrack>();
  /** Visits settled (joined a face's, or made their own). */
  joined = 0;
  own = 0;

  constructor(private readonly sink: VisitorSink) {}

  /** The person track's box held this face (the people stage binds them frame by frame). */
  held(person: PersonTrack, faceTrackId: string): void {
    let set = this.holders.get(faceTrackId);
    if (!set) this.holders.set(faceTrackId, (set = new Set()));
    set.add(person);
  }

  /** A face track ended (or an ended one was decided late): the visit its sightings went to. */
  faceEnded(faceTrackId: string, visit: FaceVisit | null): void {
    const holders = this.holders.get(faceTrackId);
    if (!holders) return;
    this.faceVisits.set(faceTrackId, visit);
    for (const p of holders) if (this.waiting.has(p)) this.trySettle(p);
  }

  /** A person track ended: a visitor's visit is settled now, or once its faces have ended. */
  personEnded(person: PersonTrack): void {
    if (!person.countedIn) return this.forget(person);
    this.waiting.add(person);
    this.trySettle(person);
  }

  /** Visitors waiting for their faces (for stats and tests). */
  get pending(): number {
    return this.waiting.size;
  }

  private trySettle(p: PersonTrack): void {
    const faces = [...p.faceTrackIds];
    if (faces.some((f) => !this.faceVisits.has(f))) return;
    this.waiting.delete(p);
    const visits = faces.flatMap((f) => this.faceVisits.get(f) ?? []);
    // An identified face names the person; an unidentified face's visit is still this person's one visit.
    const visit = visits.find((v) => v.kind !== 'unidentified') ?? visits[0];
    const body = { trackId: p.id, cameraId: p.cameraId, firstSeenAt: p.firstSeenAt, lastSeenAt: p.lastSeenAt };
    if (visit) {
      this.joined++;
      this.sink.joinVisit(visit, body);
    } else {
      this.own++;
      this.sink.unidentifiedVisitor(visitorIdOf(p.id), body, faces);
    }
    this.forget(p);
  }

  private forget(p: PersonTrack): void {
    for (const f of p.faceTrackIds) {
      const set = this.holders.get(f);
      set?.delete(p);
      if (set && set.size === 0) {
        this.holders.delete(f);
        this.faceVisits.delete(f);
      }
    }
  }
}
