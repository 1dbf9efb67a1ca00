import type { Box } from '../contracts/live.js';
import type { FaceVisit } from '../people/person-visits.js';
import { defaultTrackerOptions } from '../tracking/tracker.js';
import { relativeCenterDistance } from '../tracking/geometry.js';
import type { TrackedFace, TrackSummary } from '../tracking/types.js';
import { euclidean } from '../vision/similarity.js';

/**
 * When a never-identified track continues one that ended just before, in the same place. On soft footage one
 * person's face track breaks into many short ones (the face missed for a while, a box jumping away from the track's
 * prediction); without stitching every piece is a visitor of its own.
 */
export interface StitchOptions {
  /** Longest gap between the earlier track's last frame and the later one's first. */
  maxGapMs: number;
  /** Largest shift of the face centre across the gap, in face widths (the larger of the two boxes). */
  maxCentreShift: number;
  /** Descriptors of the two tracks (when both have any) further apart than this are two people: the tracker's rule. */
  maxAppearanceDistance: number;
}

export const defaultStitchOptions: StitchOptions = {
  maxGapMs: 2000,
  maxCentreShift: 1,
  maxAppearanceDistance: defaultTrackerOptions.maxAppearanceDistance,
};

interface EndedTrack {
  firstSeenAt: number;
  lastSeenAt: number;
  lastBox: Box;
  /** The track's newest described face: what a continuation must look like. */
  lastEmbedding: Float32Array | null;
  visit: FaceVisit;
}

/**
 * Ended tracks kept per camera. Not pruned by time: tracks end out of order (a long track that started just after
 * an earlier one ended may end minutes later), and these are also the frame spans the co-seen rule checks.
 */
const MAX_ENDED_PER_CAMERA = 100;
/** View changes kept per camera: a track ending late must still see the cuts between it and the one before. */
const MAX_VIEW_CHANGES_PER_CAMERA = 20;

/**
 * Remembers where each ended face track's sightings went, and finds the visit a never-identified track continues:
 * an earlier track of the same camera that ended at most `maxGapMs` before it started, where it starts (centre
 * within `maxCentreShift` face widths), and nothing saying it is someone else: no view change in between, the
 * descriptors (when both have any) within the tracker's appearance distance, and no track of that visit seen while
 * this one was (two faces at once are two people): neither a remembered track of that visit whose frames overlap
 * this one's, nor a live track held by that person in one of this track's frames (`concurrentPersonIds`).
 * A clear gap (longer than `maxGapMs`) keeps people who stand at the same spot one after the other apart.
 */
export class FragmentStitcher {
  private readonly opts: StitchOptions;
  /** Per camera, the latest ended tracks that made or joined a visit, oldest first. */
  private readonly ended = new Map<string, EndedTrack[]>();
  /** Latest view changes per camera (a cut or a PTZ move): nothing is stitched across one. */
  private readonly viewChanges = new Map<string, number[]>();

  constructor(opts: Partial<StitchOptions> = {}) {
    this.opts = { ...defaultStitchOptions, ...opts };
  }

  /**
   * The visit this track continues, or null when it starts one of its own. Asked for a never-identified track that
   * ended, and for a track as it is identified (running or late), whose unidentified fragment visit it takes over.
   */
  continued(track: TrackSummary<TrackedFace>): FaceVisit | null {
    const cuts = this.viewChanges.get(track.cameraId) ?? [];
    const first = shotEmbedding(track, 'earliest');
    let best: EndedTrack | null = null;
    const ended = this.ended.get(track.cameraId) ?? [];
    for (const e of ended) {
      const gap = track.firstSeenAt - e.lastSeenAt;
      if (gap <= 0 || gap > this.opts.maxGapMs) continue;
      // The tracks of a new view start on its first frame: a cut at that very frame still separates them.
      if (cuts.some((c) => c > e.lastSeenAt && c <= track.firstSeenAt)) continue;
      if (relativeCenterDistance(e.lastBox, track.firstBox) > this.opts.maxCentreShift) continue;
      if (first && e.lastEmbedding && euclidean(first, e.lastEmbedding) > this.opts.maxAppearanceDistance) continue;
      if (track.concurrentPersonIds.includes(e.visit.personId)) continue;
      const sameVisit = ended.filter((o) => o.visit.personId === e.visit.personId);
      if (sameVisit.some((o) => track.firstSeenAt <= o.lastSeenAt && o.firstSeenAt <= track.lastSeenAt)) continue;
      if (!best || e.lastSeenAt > best.lastSeenAt) best = e;
    }
    return best ? best.visit : null;
  }

  /** An ended track's sightings went to `visit` (its own, or the one it continued). */
  record(track: TrackSummary<TrackedFace>, visit: FaceVisit): void {
    const list = this.ended.get(track.cameraId) ?? [];
    list.push({ firstSeenAt: track.firstSeenAt, lastSeenAt: track.lastSeenAt, lastBox: track.lastBox, lastEmbedding: shotEmbedding(track, 'latest'), visit });
    if (list.length > MAX_ENDED_PER_CAMERA) list.shift();
    this.ended.set(track.cameraId, list);
  }

  /** The visit `from` became `into`'s (an unidentified visitor identified late, or continued by an identified track). */
  folded(from: string, into: FaceVisit): void {
    for (const list of this.ended.values()) for (const e of list) if (e.visit.personId === from) e.visit = into;
  }

  /** The camera's view changed (tracks were ended for it): what follows is a new view, not a continuation. */
  viewChanged(cameraId: string, at: number): void {
    const cuts = this.viewChanges.get(cameraId) ?? [];
    cuts.push(at);
    if (cuts.length > MAX_VIEW_CHANGES_PER_CAMERA) cuts.shift();
    this.viewChanges.set(cameraId, cuts);
  }
}

/** The descriptor of a track's earliest or latest described face (its best shots carry when they were seen). */
function shotEmbedding(t: TrackSummary<TrackedFace>, which: 'earliest' | 'latest'): Float32Array | null {
  let pick: TrackSummary<TrackedFace>['shots'][number] | null = null;
  for (const s of t.shots) if (!pick || (which === 'earliest' ? s.at < pick.at : s.at > pick.at)) pick = s;
  return pick?.face.embedding ?? null;
}
