import type { CameraFrame } from '../frame/frame.js';
import type { Box, FaceEvent } from '../contracts/live.js';
import type { PersonKind } from '../contracts/visit.js';
import type { EventBus } from '../events.js';
import { FaceTracker, type TrackerOptions } from '../tracking/tracker.js';
import type { QualityGate } from '../tracking/quality-gate.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackEvent, TrackState } from '../tracking/types.js';
import { SceneChangeDetector } from './scene-change.js';
import type { SightingRelay } from './sighting-relay.js';
import type { StageTimings } from './stage-timings.js';

export interface CameraAnalysisDeps {
  decider: TrackDecider<TrackedFace>;
  bus: EventBus;
  relay: SightingRelay;
  timings: StageTimings;
  gate: QualityGate;
  tracker?: Partial<TrackerOptions>;
}

/** A face of a live track as the last `face` event described it. */
interface TrackFace {
  trackId: string;
  box: Box;
  state: TrackState;
  personId: string | null;
  kind: PersonKind;
  /** Staff display name; never set for customers. */
  name: string | null;
  /** Decision confidence 0..1, null while undecided. */
  score: number | null;
}

interface LiveTrack {
  face: TrackFace;
  /** Wall-clock capture time of the track's first frame (for the identity latency figure). */
  firstCapturedAt: number;
  /** Whether this track already had its first identity event, and what it said last. */
  announced: boolean;
  lastPersonId: string | null;
  lastKind: PersonKind;
}

/**
 * One camera's share of the analysis: its tracker and the faces currently on screen.
 * Turns tracker events into `face` events on the bus (when a track's decision is made or changes) and into visit
 * sightings (through the relay).
 */
export class CameraAnalysis {
  readonly tracker: FaceTracker<TrackedFace>;
  readonly scene = new SceneChangeDetector();
  sceneChanges = 0;
  private readonly tracks = new Map<string, LiveTrack>();
  analysedFrames = 0;
  facesSeen = 0;
  faceEvents = 0;
  lastAnalysedAt: number | null = null;

  constructor(
    readonly cameraId: string,
    private readonly deps: CameraAnalysisDeps,
  ) {
    this.tracker = new FaceTracker<TrackedFace>(cameraId, { ...deps.tracker, ...deps.gate }, deps.decider, (e) => this.onTrackEvent(e));
  }

  /** Feeds one analysed frame's faces (at = analysis time base). Returns each face's track id (null: a weak box that continued no track). */
  update(frame: CameraFrame, at: number, faces: TrackedFace[]): Array<string | null> {
    const ids = this.tracker.update(at, faces);
    ids.forEach((id, i) => {
      if (id === null) return; // a weak box that continued no track: not a face we show or count
      const t = this.tracks.get(id);
      if (t) t.face = { ...t.face, box: faces[i].box };
      else {
        this.tracks.set(id, {
          face: { trackId: id, box: faces[i].box, state: 'collecting', personId: null, kind: 'unknown', name: null, score: null },
          firstCapturedAt: frame.capturedAt,
          announced: false,
          lastPersonId: null,
          lastKind: 'unknown',
        });
      }
    });
    this.analysedFrames++;
    this.facesSeen += faces.length;
    this.lastAnalysedAt = Date.now();
    return ids;
  }

  /** Ends tracks unseen past the occlusion budget even when no frames come (camera stalled). */
  tick(at: number): void {
    this.tracker.tick(at);
  }

  /** Ends every track at a view change; their last decisions finish off the frame loop. */
  endTracksNow(at: number): void {
    this.deps.relay.viewChanged(this.cameraId, at);
    this.tracker.endAll(at);
  }

  /** Ends every track (camera gone or pipeline stopping) and waits for their last decisions. */
  async flush(at: number): Promise<void> {
    await this.tracker.flush(at);
  }

  get activeTracks(): number {
    return this.tracker.activeTracks;
  }

  private onTrackEvent(e: TrackEvent<TrackedFace>): void {
    switch (e.type) {
      case 'seen':
        if (e.state === 'decided') this.deps.relay.seen(e.trackId, e.cameraId, e.at, e.face);
        return;
      case 'decision':
        this.onDecision(e.trackId, e.at, e.state, e.decision);
        this.deps.relay.decided(e.decision, e.summary);
        return;
      case 'ended':
        this.tracks.delete(e.trackId);
        this.deps.relay.ended(e.trackId, e.summary);
        return;
      case 'decided-after-end':
        // An ended track (an anonymous customer formed from it and a later track): its person still gets the
        // visit, from the track's first frame.
        this.deps.relay.decidedAfterEnd(e.decision, e.summary);
        return;
      case 'started':
        return;
    }
  }

  private onDecision(trackId: string, at: number, state: TrackState, d: IdentityDecision): void {
    const t = this.tracks.get(trackId);
    if (!t) return;
    const name = d.kind === 'staff' ? d.name : null; // customers are never named
    t.face = { ...t.face, state, personId: d.personId, kind: d.personId ? d.kind : 'unknown', name, score: d.score };
    // "Still collecting" is not an identity event: nothing was decided yet.
    if (state === 'collecting') return;
    // A new reason for the same answer (e.g. "new customer" then "matched") is not news.
    if (t.announced && t.lastPersonId === d.personId && t.lastKind === t.face.kind) return;
    if (!t.announced) {
      t.announced = true;
      this.deps.timings.record('latency', Date.now() - t.firstCapturedAt);
    }
    t.lastPersonId = d.personId;
    t.lastKind = t.face.kind;
    const event: FaceEvent = {
      at: new Date(at).toISOString(),
      cameraId: this.cameraId,
      trackId,
      personId: d.personId,
      kind: d.personId ? d.kind : 'unknown',
      name,
      score: d.score,
      box: t.face.box,
    };
    this.faceEvents++;
    this.deps.bus.emit('face', event);
  }
}
