/**
 * Person tracks of one camera: the face tracker's association (one-to-one, greedy by IoU then by centre distance,
 * on constant-velocity predicted boxes; tracking/assignment.ts) applied to body boxes, with looser gates (a body
 * box changes shape as a person turns, sits or is cut by the frame edge). A track is confirmed after a few hits,
 * so one stray detection never becomes a counted person, and ends after an occlusion budget without detections.
 */
import type { Box } from '../contracts/live.js';
import { assignDetections, type AssignmentOptions } from '../tracking/assignment.js';
import { centerOf, predictBox, type Velocity } from '../tracking/geometry.js';
import type { PersonDetection } from './person-detector.js';

export interface PersonTrack {
  id: string;
  cameraId: string;
  box: Box;
  score: number;
  velocity: Velocity;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Frames the track was matched in. */
  hits: number;
  /** Confirmed tracks are people; unconfirmed ones may still be noise (never counted). */
  confirmed: boolean;
  /** Face tracks whose face this person's box held (bound by the people stage). */
  faceTrackIds: Set<string>;
  /** The identity decided for one of those faces (S-… / C-…), once there is one. */
  personId: string | null;
  /** A counted entry (a counted `in` crossing): the track is a visitor and gets a visit (person-visits.ts). */
  countedIn: boolean;
}

export interface PersonTrackerOptions {
  /** A track unseen this long has ended (ms). */
  maxMissMs: number;
  /** Hits before a track counts as a person. */
  confirmHits: number;
  assignment: AssignmentOptions;
}

export const defaultPersonTrackerOptions: PersonTrackerOptions = {
  maxMissMs: 1500,
  confirmHits: 3,
  assignment: { minIou: 0.1, maxCenterDistance: 1.0, maxSizeRatio: 2.5 },
};

export interface PersonTrackerUpdate {
  /** The tracks matched or started on this frame, in detection order. */
  seen: PersonTrack[];
  /** Tracks that ended (unseen past the occlusion budget). */
  ended: PersonTrack[];
}

let serial = 0;

export class PersonTracker {
  private readonly tracks: PersonTrack[] = [];
  private readonly opts: PersonTrackerOptions;
  /** Tracks started (a measure of id switches: more tracks than people means broken tracks). */
  started = 0;

  constructor(
    readonly cameraId: string,
    opts: Partial<PersonTrackerOptions> = {},
  ) {
    this.opts = { ...defaultPersonTrackerOptions, ...opts };
  }

  get active(): readonly PersonTrack[] {
    return this.tracks;
  }

  update(at: number, detections: PersonDetection[]): PersonTrackerUpdate {
    const ended = this.expire(at);
    const predicted = this.tracks.map((t) => predictBox(t.box, t.velocity, at - t.lastSeenAt));
    const pairs = assignDetections(predicted, detections.map((d) => d.box), this.opts.assignment);
    const seen = detections.map((d, i) => {
      const k = pairs[i];
      if (k === -1) return this.start(at, d);
      const t = this.tracks[k];
      const dt = Math.max(1, at - t.lastSeenAt);
      const [a, b] = [centerOf(t.box), centerOf(d.box)];
      // Smoothed velocity: one jittery box should not throw the prediction off.
      t.velocity = { vx: 0.5 * t.velocity.vx + 0.5 * ((b.x - a.x) / dt), vy: 0.5 * t.velocity.vy + 0.5 * ((b.y - a.y) / dt) };
      t.box = d.box;
      t.score = d.score;
      t.lastSeenAt = at;
      t.hits++;
      if (t.hits >= this.opts.confirmHits) t.confirmed = true;
      return t;
    });
    return { seen, ended };
  }

  /** Ends tracks unseen past the budget (also when no frames come). */
  tick(at: number): PersonTrack[] {
    return this.expire(at);
  }

  /** Ends every track (view change, camera removed, pipeline stopping). */
  endAll(): PersonTrack[] {
    return this.tracks.splice(0, this.tracks.length);
  }

  private start(at: number, d: PersonDetection): PersonTrack {
    const t: PersonTrack = {
      id: `p-${this.cameraId}-${Date.now().toString(36)}-${(++serial).toString(36)}`,
      cameraId: this.cameraId,
      box: d.box,
      score: d.score,
      velocity: { vx: 0, vy: 0 },
      firstSeenAt: at,
      lastSeenAt: at,
      hits: 1,
      confirmed: this.opts.confirmHits <= 1,
      faceTrackIds: new Set(),
      personId: null,
      countedIn: false,
    };
    this.tracks.push(t);
    this.started++;
    return t;
  }

  private expire(at: number): PersonTrack[] {
    const ended: PersonTrack[] = [];
    for (let i = this.tracks.length - 1; i >= 0; i--) {
      if (at - this.tracks[i].lastSeenAt > this.opts.maxMissMs) ended.unshift(...this.tracks.splice(i, 1));
    }
    return ended;
  }
}
