/**
 * UltraFace RFB-320 face detector (models.md §7.1): the whole frame (or a tile) is stretched to 320×240, values
 * (v − 127)/128, and the network's boxes come out already decoded as fractions of its input. We keep scores ≥ the
 * threshold (0.8 by default: it removed every false box on the identity photos and lost no true face) and run a
 * score-sorted hard NMS at IoU 0.4. Optional tiling finds faces too small for the 320×240 view of a large frame.
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import { ScratchBuffer } from './scratch.js';
import { rectToSize, warpInto } from './warp.js';

export interface Detection {
  /** Pixel box in the frame it was detected on. */
  box: Box;
  /** Face probability from the detector, 0..1. */
  score: number;
}

export interface TilingOptions {
  /** Tiles across and down (default 2×2). */
  cols?: number;
  rows?: number;
  /** Overlap between neighbouring tiles as a fraction of the tile size (default 0.25). */
  overlap?: number;
}

export interface DetectOptions {
  /** Minimum face score (default: the detector's threshold). */
  threshold?: number;
  /**
   * Also run the detector on overlapping tiles and merge with NMS, for distant faces in large frames.
   * `true` uses a 2×2 grid; tiling is skipped for frames smaller than 640×480 whatever is asked.
   */
  tiling?: boolean | TilingOptions;
}

export interface DetectorOptions {
  threshold?: number;
  nmsIou?: number;
}

export const DEFAULT_DETECTION_THRESHOLD = 0.8;
export const DEFAULT_NMS_IOU = 0.4;
const IN_W = 320;
const IN_H = 240;

export class UltraFaceDetector {
  readonly threshold: number;
  readonly nmsIou: number;
  private readonly scratch = new ScratchBuffer();

  constructor(private readonly session: ort.InferenceSession, opts: DetectorOptions = {}) {
    this.threshold = opts.threshold ?? DEFAULT_DETECTION_THRESHOLD;
    this.nmsIou = opts.nmsIou ?? DEFAULT_NMS_IOU;
  }

  /** Faces in the frame, highest score first. */
  async detect(frame: RgbFrame, opts: DetectOptions = {}): Promise<Detection[]> {
    const threshold = opts.threshold ?? this.threshold;
    const found = await this.detectRegion(frame, { x: 0, y: 0, width: frame.width, height: frame.height }, threshold, null);
    const tiles = opts.tiling ? tileRects(frame.width, frame.height, opts.tiling === true ? {} : opts.tiling) : [];
    for (const tile of tiles) found.push(...(await this.detectRegion(frame, tile, threshold, frame)));
    return nms(found, this.nmsIou);
  }

  /** Run the network on one rectangle of the frame; boxes come back in frame pixels. */
  private async detectRegion(frame: RgbFrame, r: Box, threshold: number, tileOf: RgbFrame | null): Promise<Detection[]> {
    const input = this.scratch.take(3 * IN_W * IN_H);
    warpInto(frame, rectToSize(r.x, r.y, r.width, r.height, IN_W, IN_H), IN_W, IN_H, input, 0, {
      layout: 'nchw', mean: 127, scale: 1 / 128, border: 'clamp',
    });
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [1, 3, IN_H, IN_W]) }).finally(() => this.scratch.give(input));
    const scores = out.scores.data as Float32Array;
    const boxes = out.boxes.data as Float32Array;
    const n = scores.length / 2;
    const found: Detection[] = [];
    for (let i = 0; i < n; i++) {
      const score = scores[2 * i + 1];
      if (score < threshold) continue;
      const x1 = r.x + boxes[4 * i] * r.width;
      const y1 = r.y + boxes[4 * i + 1] * r.height;
      const x2 = r.x + boxes[4 * i + 2] * r.width;
      const y2 = r.y + boxes[4 * i + 3] * r.height;
      if (x2 <= x1 || y2 <= y1) continue;
      // A face cut by an inner tile edge is a partial box: a neighbouring tile or the full view sees it whole.
      if (tileOf && touchesInnerEdge(x1, y1, x2, y2, r, tileOf)) continue;
      found.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
    }
    return found;
  }
}

/** Score-sorted hard NMS: keep the best box, drop every box overlapping it by more than `iou`, repeat. */
export function nms(dets: Detection[], iou: number): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.every((k) => boxIou(k.box, d.box) <= iou)) kept.push(d);
  }
  return kept;
}

/** Intersection over union of two boxes. */
export function boxIou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Overlapping tile rectangles covering the frame (empty for small frames, where the full view suffices). */
export function tileRects(width: number, height: number, t: TilingOptions): Box[] {
  if (width < 640 || height < 480) return [];
  const cols = Math.max(1, t.cols ?? 2);
  const rows = Math.max(1, t.rows ?? 2);
  const overlap = t.overlap ?? 0.25;
  const tw = width / (cols - (cols - 1) * overlap);
  const th = height / (rows - (rows - 1) * overlap);
  const rects: Box[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      rects.push({ x: Math.round(c * tw * (1 - overlap)), y: Math.round(r * th * (1 - overlap)), width: Math.round(tw), height: Math.round(th) });
    }
  }
  return rects;
}

function touchesInnerEdge(x1: number, y1: number, x2: number, y2: number, r: Box, f: RgbFrame): boolean {
  const m = 2;
  return (x1 <= r.x + m && r.x > 0) || (y1 <= r.y + m && r.y > 0)
    || (x2 >= r.x + r.width - m && r.x + r.width < f.width) || (y2 >= r.y + r.height - m && r.y + r.height < f.height);
}
