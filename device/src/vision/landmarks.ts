/**
 * 68-point landmarks (iBUG order) with faceplugin's `fr_landmark.onnx` (models.md §7.2): a square crop around the
 * detection (side = box height, clipped to the image, truncated to whole pixels), 64×64 gray / 256; the outputs
 * are fractions of that crop.
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import { rectToSize, warpInto } from './warp.js';

export interface Point { x: number; y: number }

const SIZE = 64;

export class LandmarkModel {
  constructor(private readonly session: ort.InferenceSession) {}

  /** The 68 points of the face inside `box`, in frame pixels. */
  async locate(frame: RgbFrame, box: Box): Promise<Point[]> {
    const crop = squareCrop(box, frame.width, frame.height);
    const input = new Float32Array(SIZE * SIZE);
    warpInto(frame, rectToSize(crop.x, crop.y, crop.width, crop.height, SIZE, SIZE), SIZE, SIZE, input, 0, {
      layout: 'gray', scale: 1 / 256, border: 'clamp',
    });
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [1, 1, SIZE, SIZE]) });
    const v = out.output.data as Float32Array;
    const pts: Point[] = new Array(68);
    for (let i = 0; i < 68; i++) pts[i] = { x: v[2 * i] * crop.width + crop.x, y: v[2 * i + 1] * crop.height + crop.y };
    return pts;
  }
}

/** Faceplugin's `scaleResult`: a square of side box height centred on the box, clipped to the image, whole pixels. */
export function squareCrop(box: Box, width: number, height: number): Box {
  const side = box.height;
  const cx = box.x + box.width / 2;
  const x1 = Math.max(0, Math.trunc(cx - side / 2));
  const y1 = Math.max(0, Math.trunc(box.y));
  const x2 = Math.min(width, Math.trunc(cx + side / 2));
  const y2 = Math.min(height, Math.trunc(box.y + side));
  return { x: x1, y: y1, width: Math.max(1, x2 - x1), height: Math.max(1, y2 - y1) };
}

const mean = (pts: Point[], idx: number[]): Point => {
  let x = 0, y = 0;
  for (const i of idx) { x += pts[i].x; y += pts[i].y; }
  return { x: x / idx.length, y: y / idx.length };
};

const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const LEFT_EYE = range(36, 41);
const RIGHT_EYE = range(42, 47);
const MOUTH = range(48, 67);

/** Eye centres (image left / image right) and mouth centre, the points the dlib-style chip is built from. */
export function eyesAndMouth(pts: Point[]): { leftEye: Point; rightEye: Point; mouth: Point } {
  return { leftEye: mean(pts, LEFT_EYE), rightEye: mean(pts, RIGHT_EYE), mouth: mean(pts, MOUTH) };
}

/** In-plane roll of the head in radians: the angle of the eye line (positive = clockwise on screen). */
export function rollAngle(pts: Point[]): number {
  const { leftEye, rightEye } = eyesAndMouth(pts);
  return Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
}
