import type { IdentityDecision, TrackDecider, TrackedFace, TrackFinish, TrackSummary } from '../tracking/types.js';
import { createLogger } from '../util/log.js';
import { gatherEvidence, judge, type EvidenceShot, type PersonEvidence, type Verdict } from './evidence.js';
import { pick, round, type IdentityRecords } from './identity-records.js';
import type { NewSample } from './identity-store.js';
import { PendingUnknowns } from './pending-unknowns.js';
import { robustSplit } from './robust.js';
import { confidenceOf } from './thresholds.js';

const log = createLogger('identity');

export interface TrackDeciderOptions {
  /** Good faces a track needs before it is decided (and that must agree with a match). */
  minGoodFaces?: number;
  /** Samples of the same track added to a known customer's gallery when the track ends. */
  samplesPerVisit?: number;
}

type Summary = TrackSummary<TrackedFace>;

/**
 * Who is this track? Decides a live track from its best shots (staff, a known customer, a new customer, or
 * not yet), settles it when it ends (refreshing a known customer's samples, sending a doubtful one to review,
 * pairing a lone face with an earlier track's), and says so in what it returns: a customer formed from two
 * tracks' lone faces comes back as `TrackFinish.earlier` for the earlier track, never as a callback.
 */
export class IdentityTrackDecider implements TrackDecider<TrackedFace> {
  private readonly pending = new PendingUnknowns<Summary>();
  /**
   * Tracks that were plausibly a staff member at some good moment (one good shot not clearly "nobody we know"
   * from them: within `unknown`, 0.62), with that staff member: such a track never mints a customer, even after
   * those shots left its top-K. It ends named, or in the review queue (and counted as an unidentified visitor).
   * Measured: Alex's blurred profile comes 0.59–0.62 from his photos at its best moments; the audience on
   * hamilton.mp4 stays 0.64 or more from Lin's.
   */
  private readonly staffMoments = new Map<string, PersonEvidence>();

  constructor(
    private readonly records: IdentityRecords,
    private readonly opts: TrackDeciderOptions = {},
  ) {}

  /** Forgets lone faces waiting to pair (the identity feature stops). */
  reset(): void {
    this.pending.clear();
    this.staffMoments.clear();
  }

  decide(summary: Summary): Promise<IdentityDecision> {
    return this.records.locked(async () => {
      if (summary.shots.length < this.minGoodFaces) return undecided('insufficient');
      const own = this.ownMint(summary.trackId);
      const verdict = this.evaluate(summary, own);
      if (own) {
        // The track minted a customer from its first faces; its newer faces name someone already known.
        if (verdict.kind === 'match') {
          await this.retract(own, summary.trackId, verdict.best.personId);
          return this.matched(summary.trackId, verdict.best, verdict.runnerUp);
        }
        return this.createdDecision(own, summary.shots.map((s) => s.face.embedding), verdict.best);
      }
      if (verdict.kind === 'match') return this.matched(summary.trackId, verdict.best, verdict.runnerUp);
      if (verdict.kind === 'uncertain') return uncertain(verdict.best, verdict.runnerUp);
      // Nobody we know, but close to a staff member: keep collecting, a staff member's head may be turning.
      const staff = this.nearStaff(summary);
      if (staff && staff.distance <= this.t.staffGuard) return uncertain(staff, verdict.best);
      const moment = this.staffMoments.get(summary.trackId);
      if (moment) return uncertain(moment, verdict.best);
      return this.newCustomerFromTrack(summary, verdict);
    });
  }

  finish(summary: Summary, last: IdentityDecision | null): Promise<TrackFinish<TrackedFace>> {
    return this.records.locked(async () => {
      try {
        return await this.finishTrack(summary, last);
      } finally {
        this.records.mints.release(summary.trackId);
        this.staffMoments.delete(summary.trackId);
      }
    });
  }

  private get t() {
    return this.records.thresholds;
  }

  private get minGoodFaces(): number {
    return Math.max(2, this.opts.minGoodFaces ?? 2);
  }

  private async finishTrack(summary: Summary, last: IdentityDecision | null): Promise<TrackFinish<TrackedFace>> {
    const store = this.records.ready();
    const nothing = { decision: null, earlier: null };
    if (last?.personId && Object.hasOwn(store.doc.persons, last.personId)) {
      await this.records.touch(last.personId, summary.lastSeenAt);
      // A staff member's track: a customer made of their faces earlier (a tilted or blurred moment) is theirs.
      if (last.kind === 'staff') await this.records.foldCustomersInto(last.personId, summary.shots.map((s) => s.face.embedding), `track ${summary.trackId} named staff`);
      if (last.kind === 'customer' && last.reason === 'matched') {
        await this.records.customerBook.addSamples(last.personId, summary.shots.slice(0, this.opts.samplesPerVisit ?? 2).map(toSample));
      }
      return nothing;
    }
    if (summary.shots.length === 0) return nothing; // too small or blurred throughout: counted, never identified
    if (summary.shots.length >= this.minGoodFaces) {
      const verdict = this.evaluate(summary, null);
      if (verdict.kind === 'match') return { decision: this.matched(summary.trackId, verdict.best, verdict.runnerUp), earlier: null };
      if (verdict.kind === 'uncertain') {
        await this.toReview(summary, verdict.reason, [verdict.best, verdict.runnerUp]);
        return nothing;
      }
      // Nobody we know. Near a staff member, the whole track must say "not them": enough shots, and not one
      // of them on its own (now or at any earlier moment) within `unknown` of a staff member (staffMoments).
      // Otherwise a human decides.
      const staff = this.nearStaff(summary);
      const moment = this.staffMoments.get(summary.trackId);
      if (moment || (staff && staff.distance <= this.t.staffGuard && summary.shots.length < this.t.nearStaffShots)) {
        await this.toReview(summary, 'grey-zone', [moment ?? staff, verdict.best]);
        return nothing;
      }
      const created = await this.newCustomerFromTrack(summary, verdict);
      if (created.personId) return { decision: created, earlier: null };
    }
    // Pending samples live on the tracks' own clock (frame times), not the wall clock.
    return this.pairWithPending(summary, summary.lastSeenAt);
  }

  /** The staff member nearest to the track's shots; remembers a good moment that was plausibly a staff member. */
  private nearStaff(summary: Summary): PersonEvidence | null {
    const shots = summary.shots.map(toEvidenceShot);
    const staff = this.records.nearestStaff(shots, summary.concurrentPersonIds);
    const closest = this.records.closestStaffShot(shots, summary.concurrentPersonIds);
    if (closest && closest.distance <= this.t.unknown && !this.staffMoments.has(summary.trackId)) {
      this.staffMoments.set(summary.trackId, { personId: closest.personId, distance: closest.distance, agreeing: closest.distance <= this.t.assign ? 1 : 0 });
    }
    return staff;
  }

  private async toReview(summary: Summary, reason: 'grey-zone' | 'small-margin', candidates: (PersonEvidence | null)[]): Promise<void> {
    const seen = new Set<string>();
    await this.records.reviewQueue.enqueue({
      at: this.records.clock.now(),
      cameraId: summary.cameraId,
      trackId: summary.trackId,
      reason,
      candidates: candidates
        .filter((c): c is PersonEvidence => c !== null && !seen.has(c.personId) && Boolean(seen.add(c.personId)))
        .map((c) => ({ personId: c.personId, distance: round(c.distance) })),
      vectors: summary.shots.slice(0, 3).map((s) => s.face.embedding),
      quality: summary.shots[0].face.quality.score,
      crop: summary.shots[0].face.crop,
    });
  }

  /** The track's verdict; `ownMint` (a customer made of this track's own faces) is no evidence about it. */
  private evaluate(summary: Summary, ownMint: string | null): Verdict {
    const store = this.records.ready();
    const shots = summary.shots.map(toEvidenceShot);
    const exclude = new Set(summary.concurrentPersonIds);
    if (ownMint) exclude.add(ownMint);
    const ev = gatherEvidence(store.gallery, shots, exclude, (p) => this.records.negativesOf(p));
    let verdict = judge(ev, this.t, Math.min(this.minGoodFaces, shots.length));
    if (verdict.kind === 'match' && this.records.personInfo(verdict.best.personId)?.kind === 'customer') {
      // A customer must clear every staff member by the wider staff margin, not only the runner-up.
      const staff = this.records.nearestStaff(shots, summary.concurrentPersonIds);
      if (staff && staff.distance - verdict.best.distance < this.t.staffMargin) verdict = { kind: 'uncertain', reason: 'small-margin', best: verdict.best, runnerUp: staff };
    }
    log.debug('track verdict', {
      trackId: summary.trackId,
      kind: verdict.kind,
      evidence: ev.slice(0, 3).map((e) => ({ p: e.personId, d: round(e.distance), a: e.agreeing })),
      frontal: summary.shots.map((s) => round(s.face.quality.frontal)),
      quality: summary.shots.map((s) => round(s.face.quality.score)),
    });
    return verdict;
  }

  /** The customer this track minted, if it still exists. */
  private ownMint(trackId: string): string | null {
    const id = this.records.mints.mintedBy(trackId);
    return id && this.records.has(id) ? id : null;
  }

  /**
   * Takes back a customer minted from a track's first faces once the same track is found to be `knownId`:
   * only while nothing else relies on it (no other track decided as it, no human acted on it).
   */
  private async retract(customerId: string, trackId: string, knownId: string): Promise<void> {
    const mints = this.records.mints;
    if (mints.retractable(trackId) !== customerId) return;
    mints.release(trackId);
    // The visit it opened becomes the known person's (one person, one visit), then the twin goes.
    await this.records.hooks.mergedPersons?.(knownId, [customerId]);
    await this.records.erase(customerId);
    log.info('customer retracted: its own track is someone known', { personId: customerId, trackId, knownId });
  }

  private matched(trackId: string, best: PersonEvidence, runnerUp: PersonEvidence | null): IdentityDecision {
    this.records.mints.claimed(best.personId, trackId);
    const info = this.records.personInfo(best.personId);
    return {
      personId: best.personId,
      kind: info?.kind ?? 'unknown',
      name: info?.name ?? null,
      score: confidenceOf(best.distance),
      distance: round(best.distance),
      runnerUp: pick(runnerUp),
      reason: 'matched',
    };
  }

  /**
   * Nobody we know: a new customer, but only from at least two consistent UPRIGHT samples of this track. A levelled
   * head (rolled far enough that its chip was turned upright) still names someone known, but never starts a new
   * person: its descriptor lands 0.70–0.76 from the person's own photos on bench:faces `robustness`, where a
   * staff member's tilted head would pass every staff check and become a customer. Until two upright faces
   * arrive the track keeps collecting ('insufficient'); if none do, it ends an unidentified visitor.
   */
  private async newCustomerFromTrack(summary: Summary, verdict: Verdict): Promise<IdentityDecision> {
    const upright = summary.shots.filter((s) => !s.face.quality.levelled);
    if (upright.length < this.minGoodFaces) return { ...undecided('insufficient'), runnerUp: pick(verdict.best) };
    const split = robustSplit(upright.map((s) => s.face.embedding), this.t.consistent);
    if (split.inliers.length < this.minGoodFaces) return { ...undecided('inconsistent'), runnerUp: pick(verdict.best) };
    const samples = split.inliers.slice(0, 3).map((i) => toSample(upright[i]));
    const id = await this.records.customerBook.create(samples, summary.lastSeenAt);
    this.records.mints.record(summary.trackId, id);
    log.info('new customer', { personId: id, cameraId: summary.cameraId, trackId: summary.trackId, samples: samples.length });
    return this.createdDecision(id, summary.shots.map((s) => s.face.embedding), verdict.best);
  }

  /** A lone good face: pair it with a lone face of another track (both get the customer), else keep it a while. */
  private async pairWithPending(summary: Summary, now: number): Promise<TrackFinish<TrackedFace>> {
    const nothing = { decision: null, earlier: null };
    const store = this.records.ready();
    const shot = summary.shots[0];
    if (shot.face.quality.levelled) return nothing; // a levelled head never starts a new person (newCustomerFromTrack)
    const near = store.gallery.search(shot.face.embedding, new Set(summary.concurrentPersonIds)).best;
    if (near && near.distance <= this.t.unknown) return nothing; // near someone known: one face cannot decide that
    // Ambiguous with a staff member: one face can never rule the staff member out, so it never waits to pair.
    const staff = this.records.nearestStaff([toEvidenceShot(shot)], summary.concurrentPersonIds);
    if (staff && staff.distance <= this.t.staffGuard) return nothing;
    const mine = { trackId: summary.trackId, cameraId: summary.cameraId, firstSeenAt: summary.firstSeenAt, lastSeenAt: summary.lastSeenAt, vector: shot.face.embedding, quality: shot.face.quality.score, track: summary };
    const other = this.pending.takeMatch(mine, this.t.consistent, now);
    if (!other) {
      this.pending.add(mine, now);
      return nothing;
    }
    const samples: NewSample[] = [other, mine].map((p) => ({ vector: p.vector, quality: p.quality, at: p.lastSeenAt, crop: p.track.shots[0]?.face.crop }));
    const id = await this.records.customerBook.create(samples, summary.lastSeenAt);
    log.info('new customer from two tracks', { personId: id, tracks: [other.trackId, mine.trackId] });
    const nearest = near ? { personId: near.personId, distance: near.distance, agreeing: 0 } : null;
    return {
      decision: this.createdDecision(id, [shot.face.embedding], nearest),
      earlier: { summary: other.track, decision: this.createdDecision(id, [other.vector], nearest) },
    };
  }

  private createdDecision(id: string, vectors: Float32Array[], nearestOther: PersonEvidence | null): IdentityDecision {
    const gallery = this.records.ready().gallery;
    const d = vectors.reduce((n, v) => n + gallery.distanceToPerson(v, id), 0) / vectors.length;
    return { personId: id, kind: 'customer', name: null, score: confidenceOf(d), distance: round(d), runnerUp: pick(nearestOther), reason: 'new-customer' };
  }
}

function undecided(reason: IdentityDecision['reason']): IdentityDecision {
  return { personId: null, kind: 'unknown', name: null, score: 0, distance: null, runnerUp: null, reason };
}

/** Not decided: close to `best` but not surely them (the track keeps collecting). */
function uncertain(best: PersonEvidence, runnerUp: PersonEvidence | null): IdentityDecision {
  return { ...undecided('uncertain'), distance: round(best.distance), score: confidenceOf(best.distance), runnerUp: pick(runnerUp) };
}

function toEvidenceShot(s: { face: { embedding: Float32Array }; weight: number }): EvidenceShot {
  return { embedding: s.face.embedding, weight: s.weight };
}

function toSample(s: { face: TrackedFace & { embedding: Float32Array }; at: number }): NewSample {
  return { vector: s.face.embedding, quality: s.face.quality.score, at: s.at, crop: s.face.crop };
}
