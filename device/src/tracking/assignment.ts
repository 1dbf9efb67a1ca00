import type { Box } from '../contracts/live.js';
import { iou, relativeCenterDistance } from './geometry.js';

export interface AssignmentOptions {
  /** Minimum IoU between a track's predicted box and a detection to pair them. */
  minIou: number;
  /** Second pass for fast or small faces: pair by centre distance (relative to box width) below this. */
  maxCenterDistance: number;
  /**
   * Never pair boxes whose widths differ by more than this factor: a face does not grow or shrink that much
   * between two analysed frames, while a shot cut often puts a smaller or larger face where one just was.
   */
  maxSizeRatio: number;
}

export const defaultAssignmentOptions: AssignmentOptions = { minIou: 0.2, maxCenterDistance: 0.6, maxSizeRatio: 1.4 };

function sizeRatio(a: Box, b: Box): number {
  return Math.max(a.width, b.width) / Math.max(1e-6, Math.min(a.width, b.width));
}

/**
 * One-to-one pairing of predicted track boxes with detections, greedy by IoU (best pair first), then a
 * centre-distance pass for what is left. One-to-one is the point: two faces in one frame are never
 * the same person, so they can never join the same track.
 * Returns `detectionTrack[d]` = index into `tracks`, or -1 for a new track.
 */
export function assignDetections(tracks: readonly Box[], detections: readonly Box[], opts: AssignmentOptions = defaultAssignmentOptions): number[] {
  const result = new Array<number>(detections.length).fill(-1);
  const trackUsed = new Array<boolean>(tracks.length).fill(false);
  const pairs: Array<{ t: number; d: number; key: number }> = [];
  for (let t = 0; t < tracks.length; t++) {
    for (let d = 0; d < detections.length; d++) {
      if (sizeRatio(tracks[t], detections[d]) > opts.maxSizeRatio) continue;
      const o = iou(tracks[t], detections[d]);
      if (o >= opts.minIou) pairs.push({ t, d, key: -o });
    }
  }
  takeGreedy(pairs, result, trackUsed);
  const rest: Array<{ t: number; d: number; key: number }> = [];
  for (let t = 0; t < tracks.length; t++) {
    if (trackUsed[t]) continue;
    for (let d = 0; d < detections.length; d++) {
      if (result[d] !== -1) continue;
      if (sizeRatio(tracks[t], detections[d]) > opts.maxSizeRatio) continue;
      const dist = relativeCenterDistance(tracks[t], detections[d]);
      if (dist <= opts.maxCenterDistance) rest.push({ t, d, key: dist });
    }
  }
  takeGreedy(rest, result, trackUsed);
  return result;
}

function takeGreedy(pairs: Array<{ t: number; d: number; key: number }>, result: number[], trackUsed: boolean[]): void {
  pairs.sort((a, b) => a.key - b.key);
  for (const p of pairs) {
    if (trackUsed[p.t] || result[p.d] !== -1) continue;
    trackUsed[p.t] = true;
    result[p.d] = p.t;
  }
}
