import type { Box } from '../contracts/live.js';
import type { RgbFrame } from './frame.js';

/** A face cut out of its frame with some context, and the face box inside that cut. */
export interface FaceCrop {
  frame: RgbFrame;
  box: Box;
}

/**
 * Where a face's picture can come from: an encoded JPEG (an uploaded photo) or a face crop of a camera frame
 * (encoded only if it is kept). Tracks, identity samples, review items, sightings and the crop store share it.
 */
export type CropSource = { jpeg: Buffer } | FaceCrop;

export function isRgbFrame(v: unknown): v is RgbFrame {
  const f = v as RgbFrame;
  return !!f && f.data instanceof Uint8Array && Number.isInteger(f.width) && Number.isInteger(f.height) && Number.isInteger(f.stride);
}

export function isCropSource(v: unknown): v is CropSource {
  if (typeof v !== 'object' || v === null) return false;
  if ('jpeg' in v) return Buffer.isBuffer(v.jpeg);
  return 'frame' in v && 'box' in v && isRgbFrame(v.frame) && typeof v.box === 'object' && v.box !== null;
}

/**
 * Copies a face region (box widened by `margin` of its size per side, clamped to the frame) into a small packed
 * frame. Tracks keep their best shots for a long time; holding a crop instead of the whole camera frame keeps
 * that memory at a few tens of KB per shot. Returns null for a box outside the frame.
 */
export function cutFace(frame: RgbFrame, box: Box, margin = 0.35): FaceCrop | null {
  const x0 = Math.max(0, Math.floor(box.x - box.width * margin));
  const y0 = Math.max(0, Math.floor(box.y - box.height * margin));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width * (1 + margin)));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height * (1 + margin)));
  const w = x1 - x0;
  const h = y1 - y0;
  if (w < 2 || h < 2) return null;
  const data = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    const src = (y0 + row) * frame.stride + x0 * 3;
    data.set(frame.data.subarray(src, src + w * 3), row * w * 3);
  }
  return {
    frame: { data, width: w, height: h, stride: w * 3 },
    box: { x: box.x - x0, y: box.y - y0, width: box.width, height: box.height },
  };
}
