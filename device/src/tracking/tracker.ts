import type { Box } from '../contracts/live.js';
import { createLogger } from '../util/log.js';
import { assignDetections, defaultAssignmentOptions, type AssignmentOptions } from './assignment.js';
import { euclidean } from '../vision/similarity.js';
import { needsLocating, planDescription, type DescribePlan, type DescribePolicyOptions } from './describe-policy.js';
import { isDecisive, shotWeight, type QualityGate } from './quality-gate.js';
import { Track } from './track.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackEvent, TrackState } from './types.js';

const log = createLogger('tracker');

/** See describe-policy.ts for topK, minGoodFaces, verifyEveryMs, betterShotMargin and demographicShots. */
export interface TrackerOptions extends DescribePolicyOptions {
  /** Occlusion budget: a track ends after this many frames without a match … */
  maxMissedFrames: number;
  /**
   * … or after this long unseen, once at least one analysed frame missed it: a busy box analysing a frame every two
   * seconds has no evidence the person left, and ending the track there would split every person into
   * one-frame tracks that never decide.
   */
  maxMissedMs: number;
  /** With no analysed frame at all (camera stalled, box overloaded) a track still ends after this long. */
  maxStallMs: number;
  /** Once decided, the track is re-evaluated after this many new best shots. */
  redecideEvery: number;
  /**
   * A face further than this (descriptor distance) from the track's last good face does not continue the
   * track even when the boxes overlap: a shot cut or a passer-by put another person in the same place.
   */
  maxAppearanceDistance: number;
  assignment: AssignmentOptions;
  /**
   * ByteTrack-style continuation: a detection scoring below this (the detector threshold) may only continue a
   * live track, never start one. It is paired after the confident detections, with the tracks they left, and
   * only in place (IoU ≥ `continuationMinIou`, no centre-distance pass); the appearance check still applies.
   */
  startScore: number;
  continuationMinIou: number;
}

export const defaultTrackerOptions: TrackerOptions = {
  minFaceSize: 40,
  minSharpness: 15,
  topK: 5,
  minGoodFaces: 2,
  maxMissedFrames: 15,
  maxMissedMs: 1500,
  maxStallMs: 5000,
  redecideEvery: 5,
  maxAppearanceDistance: 0.6,
  verifyEveryMs: 1000,
  betterShotMargin: 0.05,
  demographicShots: 5,
  requalifyEveryMs: 250,
  assignment: defaultAssignmentOptions,
  startScore: 0,
  continuationMinIou: 0.3,
};

interface Live<F extends TrackedFace> {
  track: Track<F>;
  /** Other tracks seen in the same frame as this one: they are never the same person. */
  coSeen: Set<Live<F>>;
  running: boolean;
  again: boolean;
  idle: Promise<void>;
}

/**
 * Per-camera face tracker: pairs each frame's faces with tracks (constant-velocity prediction, greedy
 * IoU then centre distance, one-to-one), keeps each track's best shots, asks the decider for the
 * track's identity as good shots arrive, and ends tracks unseen past the occlusion budget.
 * `update` is synchronous; identity decisions run asynchronously, serialised per track.
 */
export class FaceTracker<F extends TrackedFace = TrackedFace> {
  private readonly opts: TrackerOptions;
  private live: Live<F>[] = [];
  private ending = new Set<Promise<void>>();
  private seq = 0;
  private readonly idPrefix: string;

  constructor(
    readonly cameraId: string,
    opts: Partial<TrackerOptions>,
    private readonly decider: TrackDecider<F> | null,
    private readonly onEvent: (e: TrackEvent<F>) => void,
  ) {
    this.opts = { ...defaultTrackerOptions, ...opts };
    this.idPrefix = `${cameraId}-${Date.now().toString(36)}`;
  }

  get activeTracks(): number {
    return this.live.length;
  }

  /** Live change of the quality floor (settings). */
  setQualityGate(gate: QualityGate): void {
    this.opts.minFaceSize = gate.minFaceSize;
    this.opts.minSharpness = gate.minSharpness;
    if (gate.minQuality !== undefined) this.opts.minQuality = gate.minQuality;
  }

  /** Live change of the detector threshold: detections below it only continue tracks. */
  setStartScore(score: number): void {
    this.opts.startScore = score;
  }

  /**
   * Which of these detections to analyse at all: every confident one (≥ `startScore`), and a weaker one only when
   * it continues a live track in place. Call right after detection.
   */
  keepDetections(at: number, detections: readonly { box: Box; score: number }[]): boolean[] {
    const match = this.associate(at, detections);
    return detections.map((d, i) => d.score >= this.opts.startScore || match[i] >= 0);
  }

  /**
   * Which of these detections need landmarks and quality (describe-policy.ts `needsLocating`). Call right after
   * detection; a face said to need them is taken as measured now.
   */
  locatePlan(at: number, detections: readonly { box: Box; score: number }[]): boolean[] {
    const match = this.associate(at, detections);
    return match.map((j) => {
      const t = j >= 0 ? this.live[j].track : null;
      const needed = needsLocating(t, at, this.opts);
      if (needed && t) t.qualityCheckedAt = at;
      return needed;
    });
  }

  /**
   * Which of these detections are worth describing (descriptor, and age/gender with it): only faces that can
   * change a decision (describe-policy.ts). Call between detect and describe; `update` must follow with the
   * same `at` and faces.
   */
  describePlan(at: number, faces: readonly TrackedFace[]): DescribePlan[] {
    const match = this.associate(at, faces);
    return faces.map((f, i) => planDescription(match[i] >= 0 ? this.live[match[i]].track : null, f, at, this.opts));
  }

  /** `describePlan` reduced to "describe this face at all". */
  wantsEmbedding(at: number, faces: readonly TrackedFace[]): boolean[] {
    return this.describePlan(at, faces).map((p) => p.embed);
  }

  /** Feeds one analysed frame; returns the track id of each face, in order (null: a weak face that continued nothing). */
  update(at: number, faces: readonly F[]): Array<string | null> {
    this.expire(at);
    const match = this.associate(at, faces).map((j, i) => (j >= 0 && this.looksDifferent(this.live[j].track, faces[i]) ? -1 : j));
    const matched = new Set<number>();
    const byFace: Array<Live<F> | null> = faces.map((face, i) => {
      if (match[i] >= 0) {
        const l = this.live[match[i]];
        l.track.observe(face, at);
        matched.add(match[i]);
        return l;
      }
      if (face.score < this.opts.startScore) return null; // weak boxes never start a track
      const l: Live<F> = { track: new Track<F>(`${this.idPrefix}-${++this.seq}`, this.cameraId, face, at), coSeen: new Set(), running: false, again: false, idle: Promise.resolve() };
      this.onEvent({ type: 'started', cameraId: this.cameraId, trackId: l.track.id, at, box: face.box });
      return l;
    });
    byFace.forEach((l, i) => {
      if (l) this.considerShot(l, faces[i], at);
    });
    this.live.forEach((l, i) => {
      if (!matched.has(i)) l.track.missedFrames++;
    });
    const frameLive = byFace.filter((l): l is Live<F> => l !== null);
    for (const l of frameLive) {
      if (!this.live.includes(l)) this.live.push(l);
      for (const other of frameLive) if (other !== l) l.coSeen.add(other);
    }
    faces.forEach((face, i) => {
      const t = byFace[i]?.track;
      if (t) this.onEvent({ type: 'seen', cameraId: this.cameraId, trackId: t.id, at, face, state: t.state, decision: t.decision });
    });
    return byFace.map((l) => l?.track.id ?? null);
  }

  /** Ends tracks past the occlusion budget when no frame arrives (camera stall). */
  tick(at: number): void {
    this.expire(at);
  }

  /** Ends every track (camera stopped) and waits for their last decisions and end events. */
  async flush(at: number): Promise<void> {
    this.endAll(at);
    await this.idle();
  }

  /**
   * Ends every track now without waiting: later frames start new tracks at once, while the ended tracks' last
   * decisions and end events complete in the background (`idle()` waits for them; identity serialises its
   * calls, so they still reach it before any decision of a newer track).
   */
  endAll(at: number): void {
    const all = this.live;
    this.live = [];
    for (const l of all) this.end(l, at);
  }

  /** Resolves when no identity decision or track end is in progress. */
  async idle(): Promise<void> {
    for (;;) {
      const pending = [...this.live.map((l) => l.idle), ...this.ending];
      await Promise.all(pending);
      const again = [...this.live.map((l) => l.idle), ...this.ending];
      if (again.length === pending.length && again.every((p, i) => p === pending[i])) return;
    }
  }

  /** Track index per face (-1: none): confident faces first, then weak ones with the tracks left, in place only. */
  private associate(at: number, faces: readonly { box: Box; score: number }[]): number[] {
    const live = this.live.filter((l) => !this.stale(l, at));
    const idx = live.map((l) => this.live.indexOf(l));
    const strong = faces.flatMap((f, i) => (f.score >= this.opts.startScore ? [i] : []));
    const weak = faces.flatMap((f, i) => (f.score < this.opts.startScore ? [i] : []));
    const out = new Array<number>(faces.length).fill(-1);
    const predicted = live.map((l) => l.track.predicted(at));
    assignDetections(predicted, strong.map((i) => faces[i].box), this.opts.assignment).forEach((j, k) => {
      if (j >= 0) out[strong[k]] = idx[j];
    });
    if (weak.length) {
      const taken = new Set(out);
      const left = live.flatMap((_, j) => (taken.has(idx[j]) ? [] : [j]));
      const inPlace = { ...this.opts.assignment, minIou: Math.max(this.opts.assignment.minIou, this.opts.continuationMinIou), maxCenterDistance: -1 };
      assignDetections(left.map((j) => predicted[j]), weak.map((i) => faces[i].box), inPlace).forEach((j, k) => {
        if (j >= 0) out[weak[k]] = idx[left[j]];
      });
    }
    return out;
  }

  private looksDifferent(t: Track<F>, face: F): boolean {
    if (!t.lastEmbedding || !face.embedding || !isDecisive(face, this.opts)) return false;
    return euclidean(t.lastEmbedding, face.embedding) > this.opts.maxAppearanceDistance;
  }

  private stale(l: Live<F>, at: number): boolean {
    const unseenMs = at - l.track.lastSeenAt;
    return l.track.missedFrames > this.opts.maxMissedFrames || (l.track.missedFrames > 0 && unseenMs > this.opts.maxMissedMs) || unseenMs > this.opts.maxStallMs;
  }

  private expire(at: number): void {
    const keep: Live<F>[] = [];
    for (const l of this.live) {
      if (this.stale(l, at)) this.end(l, at);
      else keep.push(l);
    }
    this.live = keep;
  }

  private considerShot(l: Live<F>, face: F, at: number): void {
    if (!isDecisive(face, this.opts)) return;
    l.track.noteGoodFace(face);
    if (!face.embedding) return;
    l.track.lastEmbedding = face.embedding;
    l.track.lastEmbeddingAt = at;
    const shot = { face: face as F & { embedding: Float32Array }, at, weight: shotWeight(face, this.opts) };
    if (!l.track.addShot(shot, this.opts.topK)) return;
    const t = l.track;
    if (t.shots.length < this.opts.minGoodFaces) return;
    if (t.state === 'decided' && t.shotsSinceDecision < this.opts.redecideEvery) return;
    this.scheduleDecision(l, at);
  }

  private concurrentPersons(l: Live<F>): string[] {
    const out = new Set<string>();
    for (const o of l.coSeen) if (o.track.decision?.personId) out.add(o.track.decision.personId);
    return [...out];
  }

  private scheduleDecision(l: Live<F>, at: number): void {
    if (!this.decider) return;
    if (l.running) {
      l.again = true; // coalesce: one more evaluation after the running one, with the newest shots
      return;
    }
    l.running = true;
    const decider = this.decider;
    l.idle = (async () => {
      try {
        do {
          l.again = false;
          l.track.shotsSinceDecision = 0;
          const decision = await decider.decide(l.track.summary(this.concurrentPersons(l)));
          // A face seen in the same frame got this person while we waited: ask again without them.
          if (decision.personId && this.concurrentPersons(l).includes(decision.personId)) {
            l.again = true;
            continue;
          }
          this.apply(l, decision, at);
        } while (l.again);
      } catch (e) {
        log.warn('identity decision failed; the track keeps collecting', { trackId: l.track.id, error: String(e) });
      } finally {
        l.running = false;
      }
    })();
  }

  /** Applies a decision; a decided track stays decided unless a new decision names someone else. */
  private apply(l: Live<F>, d: IdentityDecision, at: number): void {
    const t = l.track;
    let state: TrackState;
    if (d.personId) state = 'decided';
    else if (t.state === 'decided') return;
    else state = d.reason === 'insufficient' ? 'collecting' : 'unknown';
    const changed = state !== t.state || d.personId !== t.decision?.personId || d.reason !== t.decision?.reason;
    t.state = state;
    t.decision = d;
    if (changed) {
      this.onEvent({ type: 'decision', cameraId: this.cameraId, trackId: t.id, at, state, decision: d, summary: t.summary(this.concurrentPersons(l)) });
    }
  }

  private end(l: Live<F>, at: number): void {
    const p = (async () => {
      await l.idle;
      const t = l.track;
      if (this.decider) {
        // Always told: identity may form a customer from two tracks, or refresh a known customer's samples.
        try {
          const { decision: late, earlier } = await this.decider.finish(t.summary(this.concurrentPersons(l)), t.decision);
          if (late) this.apply(l, late, at);
          if (earlier) {
            const s = earlier.summary;
            this.onEvent({ type: 'decided-after-end', cameraId: s.cameraId, trackId: s.trackId, at, decision: earlier.decision, summary: s });
          }
        } catch (e) {
          log.warn('identity finish failed', { trackId: t.id, error: String(e) });
        }
      }
      if (t.goodFaces === 0) t.state = 'too-small';
      this.onEvent({ type: 'ended', cameraId: this.cameraId, trackId: t.id, at, state: t.state, decision: t.decision, summary: t.summary(this.concurrentPersons(l)) });
    })();
    this.ending.add(p);
    void p.finally(() => this.ending.delete(p));
  }
}
