/**
 * The pipeline's person step, per camera: detect people, track them, bind face tracks to the person holding the
 * face, and count them against the camera's lines and zones into the footfall counter. A face decision on a bound
 * face track gives the person track its identity (the counted entrant is then "captured"); a person who never
 * shows a face is still counted. A counted entrant is one visit (person-visits.ts): its face's, or its own.
 */
import type { CameraFrame } from '../frame/frame.js';
import type { CameraConfig } from '../contracts/camera.js';
import type { AnalysisMode } from '../contracts/footfall.js';
import type { Box } from '../contracts/live.js';
import type { FootfallCounter } from '../footfall/footfall-counter.js';
import { centerOf, predictBox } from '../tracking/geometry.js';
import { anchorOf, CameraCounting, type Crossing, type ZoneStay } from './camera-counting.js';
import type { PersonDetection, PersonDetector } from './person-detector.js';
import { PersonTracker, type PersonTrack, type PersonTrackerOptions } from './person-tracker.js';
import { PersonVisits, type FaceVisit, type VisitorSink } from './person-visits.js';

/** What the footfall counter takes from the people stage (FootfallCounter has it). */
export type FootfallSink = Pick<FootfallCounter, 'record' | 'identified' | 'stayed' | 'occupancy'>;

export interface PeopleStageDeps {
  detector: Pick<PersonDetector, 'detect'>;
  /** The camera's current settings (mode, lines, zones), read per frame so changes apply live. */
  camera: (cameraId: string) => CameraConfig | undefined;
  footfall: FootfallSink;
  tracker?: Partial<PersonTrackerOptions>;
  /** Least time between two person detections on one camera (ms; default PERSON_DETECT_INTERVAL_MS, 0 = every frame). */
  detectIntervalMs?: number;
}

/**
 * The person detector runs on a camera's frame only when this long has passed since its last run there; frames
 * between go on with the person tracks' predicted boxes (faces are still bound to them). People walk about 1.4 m/s:
 * 5–6 looks a second move a person ~25 cm between looks, far less than a counting line's margin either side, and
 * the clip's counts are exact at 5 looks a second (docs/footfall.md). At 10 analysed frames a second it halves the
 * detector's cost; a slower camera (under 5.5 fps) is detected on every frame.
 */
export const PERSON_DETECT_INTERVAL_MS = 180;

export interface FaceOnFrame {
  trackId: string;
  box: Box;
}

export interface CameraPeopleStats {
  cameraId: string;
  /** Person detections so far. */
  personsSeen: number;
  activeTracks: number;
  /** Person tracks started (more than people walked by = broken tracks). */
  tracksStarted: number;
  entries: number;
  exits: number;
}

/** Visits of counted entrants, site-wide. */
export interface PeopleVisitStats {
  /** Entrants who joined the visit of one of their faces. */
  joinedFaceVisit: number;
  /** Entrants no face accounted for: an unidentified visit each. */
  ownVisit: number;
  /** Ended entrants waiting for a face track of theirs to end. */
  waiting: number;
}

class CameraPeople {
  readonly tracker: PersonTracker;
  readonly counting: CameraCounting;
  personsSeen = 0;
  entries = 0;
  exits = 0;
  /** Person tracks on the latest analysed frame (live view). */
  latest: PersonTrack[] = [];
  /** Time of the last person detection on this camera. */
  detectedAt = -Infinity;

  constructor(cameraId: string, opts?: Partial<PersonTrackerOptions>) {
    this.tracker = new PersonTracker(cameraId, opts);
    this.counting = new CameraCounting(cameraId);
  }
}

export class PeopleStage {
  private readonly cameras = new Map<string, CameraPeople>();
  /** Face track → the person track that held it. */
  private readonly faceOwner = new Map<string, PersonTrack>();
  private visits: PersonVisits | null = null;

  constructor(private readonly deps: PeopleStageDeps) {}

  /** Where counted entrants' visits go (the pipeline connects its sighting relay); without it, footfall only. */
  connectVisits(sink: VisitorSink): void {
    this.visits = new PersonVisits(sink);
  }

  /** A face track ended (or an ended one was decided late) and its sightings went to `visit`. */
  faceEnded(faceTrackId: string, visit: FaceVisit | null): void {
    this.visits?.faceEnded(faceTrackId, visit);
  }

  visitStats(): PeopleVisitStats {
    const v = this.visits;
    return { joinedFaceVisit: v?.joined ?? 0, ownVisit: v?.own ?? 0, waiting: v?.pending ?? 0 };
  }

  /** What runs on a camera (faces only when the camera is unknown). */
  mode(cameraId: string): AnalysisMode {
    return this.deps.camera(cameraId)?.analyse ?? 'faces';
  }

  /** Whether the person detector should look at this camera's frame at `at` (else `carry` the tracks over it). */
  detectDue(cameraId: string, at: number): boolean {
    const last = this.cameras.get(cameraId)?.detectedAt ?? -Infinity;
    return at - last >= (this.deps.detectIntervalMs ?? PERSON_DETECT_INTERVAL_MS) || at < last;
  }

  /** People on the frame (the detection step; `update` takes its result with the frame's faces). */
  detect(frame: CameraFrame): Promise<PersonDetection[]> {
    return this.deps.detector.detect(frame);
  }

  /**
   * A frame between two person detections: the frame's faces are bound to the person tracks where their boxes are
   * predicted to be now; tracks and counts wait for the next detection.
   */
  carry(cameraId: string, at: number, faces: readonly FaceOnFrame[]): void {
    const cam = this.cameras.get(cameraId);
    if (!cam || !faces.length) return;
    const live = cam.tracker.active;
    this.bind(live, faces, live.map((t) => predictBox(t.box, t.velocity, at - t.lastSeenAt)));
  }

  /** Tracks the frame's people, binds the frame's faces to them and counts. Returns the person tracks on this frame. */
  update(frame: Pick<CameraFrame, 'cameraId' | 'width' | 'height'>, at: number, detections: PersonDetection[], faces: readonly FaceOnFrame[]): PersonTrack[] {
    const cam = this.camera(frame.cameraId);
    const config = this.deps.camera(frame.cameraId);
    cam.counting.configure({ lines: config?.lines ?? [], zones: config?.zones ?? [] });
    const { seen, ended } = cam.tracker.update(at, detections);
    cam.detectedAt = at;
    cam.personsSeen += detections.length;
    this.finish(cam, ended, at);
    this.bind(seen, faces, seen.map((t) => t.box));
    for (const t of seen) {
      const { crossings, stays } = cam.counting.observe(t, at, anchorOf(t.box, frame.width, frame.height));
      this.report(cam, crossings, stays);
    }
    cam.latest = seen.filter((t) => t.confirmed);
    this.publishOccupancy(cam, at);
    return seen;
  }

  /** A face track's identity was decided: the person track holding that face takes it. */
  faceDecided(faceTrackId: string, personId: string | null): void {
    const owner = this.faceOwner.get(faceTrackId);
    if (!owner || !personId) return;
    owner.personId = personId;
    this.deps.footfall.identified(owner.id);
  }

  /** Ends person tracks unseen past their budget, also when a camera sends no frames. */
  tick(at: number): void {
    for (const cam of this.cameras.values()) {
      this.finish(cam, cam.tracker.tick(at), at);
      this.publishOccupancy(cam, at);
    }
  }

  /** Ends a camera's person tracks now (view change, camera removed, stopping). */
  endTracks(cameraId: string, at: number): void {
    const cam = this.cameras.get(cameraId);
    if (!cam) return;
    this.finish(cam, cam.tracker.endAll(), at);
    cam.latest = [];
    this.publishOccupancy(cam, at);
  }

  removeCamera(cameraId: string, at: number): void {
    this.endTracks(cameraId, at);
    this.cameras.delete(cameraId);
    this.deps.footfall.occupancy(cameraId, []);
  }

  cameraIds(): string[] {
    return [...this.cameras.keys()];
  }

  latestTracks(cameraId: string): readonly PersonTrack[] {
    return this.cameras.get(cameraId)?.latest ?? [];
  }

  stats(): CameraPeopleStats[] {
    return [...this.cameras.entries()].map(([cameraId, c]) => ({
      cameraId,
      personsSeen: c.personsSeen,
      activeTracks: c.tracker.active.filter((t) => t.confirmed).length,
      tracksStarted: c.tracker.started,
      entries: c.entries,
      exits: c.exits,
    }));
  }

  private camera(id: string): CameraPeople {
    let cam = this.cameras.get(id);
    if (!cam) this.cameras.set(id, (cam = new CameraPeople(id, this.deps.tracker)));
    return cam;
  }

  /**
   * A face belongs to the person whose box holds its centre in the upper half (the head end); among several
   * such boxes, the smallest (the nearest fit).
   */
  private bind(people: readonly PersonTrack[], faces: readonly FaceOnFrame[], boxes: readonly Box[]): void {
    for (const f of faces) {
      const c = centerOf(f.box);
      let best: PersonTrack | null = null;
      let bestArea = Infinity;
      for (let i = 0; i < people.length; i++) {
        const b = boxes[i];
        if (c.x < b.x || c.x > b.x + b.width || c.y < b.y || c.y > b.y + b.height / 2) continue;
        if (b.width * b.height < bestArea) [best, bestArea] = [people[i], b.width * b.height];
      }
      if (!best) continue;
      best.faceTrackIds.add(f.trackId);
      this.faceOwner.set(f.trackId, best);
      this.visits?.held(best, f.trackId);
    }
  }

  private finish(cam: CameraPeople, ended: PersonTrack[], at: number): void {
    for (const t of ended) {
      // The person left when last seen, not when the occlusion budget ran out.
      const { crossings, stays } = cam.counting.end(t, Math.min(at, t.lastSeenAt));
      this.report(cam, crossings, stays);
      for (const f of t.faceTrackIds) if (this.faceOwner.get(f) === t) this.faceOwner.delete(f);
      this.visits?.personEnded(t);
    }
  }

  private report(cam: CameraPeople, crossings: Crossing[], stays: ZoneStay[]): void {
    for (const c of crossings) {
      const e = this.deps.footfall.record(c);
      if (!e.counted) continue;
      if (c.direction === 'in') {
        cam.entries++;
        c.track.countedIn = true;
      } else cam.exits++;
    }
    if (stays.length) this.deps.footfall.stayed(cam.tracker.cameraId, stays);
  }

  private publishOccupancy(cam: CameraPeople, at: number): void {
    const occ = cam.counting.occupancy(at);
    this.deps.footfall.occupancy(cam.tracker.cameraId, cam.counting.zones.map((z) => ({ zoneId: z.id, name: z.name, occupancy: occ.get(z.id) ?? 0 })));
  }
}
