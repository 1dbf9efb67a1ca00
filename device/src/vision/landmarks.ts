/**
 * 68-point landmarks (iBUG order) with faceplugin's `fr_landmark.onnx` (models.md §7.2): a square crop around the
 * detection (side = box height, clipped to the image, truncated to whole pixels), 64×64 gray / 256; the outputs
 * are fractions of that crop.
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import { rectToSize, rotateAbout, warpInto } from './warp.js';

export interface Point { x: number; y: number }

const SIZE = 64;

export class LandmarkModel {
  constructor(private readonly session: ort.InferenceSession) {}

  /**
   * The 68 points of the face inside `box`, in frame pixels. With `roll` (radians, the head's tilt) the square is
   * sampled rotated by it about its centre, so the model sees the face upright: the model was trained on upright
   * faces, and its points on a head tilted 40–60° are too poor to level the head by.
   */
  async locate(frame: RgbFrame, box: Box, roll = 0): Promise<Point[]> {
    return (await this.locateViews(frame, box, [roll]))[0];
  }

  /**
   * The face inside `box` measured on one crop per roll, in ONE run of the model (its file declares a batch of 1;
   * the loader relaxes that, models/landmark68.json `relaxBatch`). Points per roll, as `locate` gives them.
   */
  async locateViews(frame: RgbFrame, box: Box, rolls: readonly number[]): Promise<Point[][]> {
    const crop = squareCrop(box, frame.width, frame.height);
    const cx = crop.x + crop.width / 2, cy = crop.y + crop.height / 2;
    const input = new Float32Array(rolls.length * SIZE * SIZE);
    rolls.forEach((roll, k) => {
      warpInto(frame, rotateAbout(rectToSize(crop.x, crop.y, crop.width, crop.height, SIZE, SIZE), roll, cx, cy), SIZE, SIZE, input, k * SIZE * SIZE, {
        layout: 'gray', scale: 1 / 256, border: roll === 0 ? 'clamp' : 'zero',
      });
    });
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [rolls.length, 1, SIZE, SIZE]) });
    const v = out.output.data as Float32Array;
    return rolls.map((roll, k) => {
      const cos = Math.cos(roll), sin = Math.sin(roll);
      const o = k * 136;
      const pts: Point[] = new Array(68);
      for (let i = 0; i < 68; i++) {
        const dx = v[o + 2 * i] * crop.width + crop.x - cx, dy = v[o + 2 * i + 1] * crop.height + crop.y - cy;
        pts[i] = { x: cx + cos * dx - sin * dy, y: cy + sin * dx + cos * dy };
      }
      return pts;
    });
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

/** ArcFace's 112×112 five-point template (models.md §7.3): eyes, nose tip, mouth corners. */
const FIVE_POINT_TEMPLATE: Point[] = [
  { x: 38.2946, y: 51.6963 }, { x: 73.5318, y: 51.5014 }, { x: 56.0252, y: 71.7366 }, { x: 41.5493, y: 92.3655 }, { x: 70.7299, y: 92.2041 },
];

/** faceplugin's 68 → 5 points (models.md §7.2): eye centres, nose tip, mouth corners. */
export function fivePoints(pts: Point[]): Point[] {
  return [mean(pts, [37, 38, 40, 41]), mean(pts, [43, 44, 46, 47]), pts[30], mean(pts, [48, 60]), mean(pts, [54, 64])];
}

/**
 * In-plane roll of the head in radians from the least-squares similarity (Umeyama, no reflection) that maps
 * the five-point template onto the face: eyes, nose and mouth all vote, so a turned head (whose eye line tilts
 * with yaw) is levelled by its whole face rather than by two points.
 */
export function fivePointRoll(pts: Point[]): number {
  return fivePointFit(pts).roll;
}

/**
 * The five-point similarity fit: its rotation (the roll) and how far the face's points are from the template
 * once fitted, relative to the template's spread (0 = the template's shape exactly; points a landmark model
 * put on a face it could not read score high).
 */
export function fivePointFit(pts: Point[]): { roll: number; misfit: number } {
  const p = fivePoints(pts);
  const t = FIVE_POINT_TEMPLATE;
  const pc = centroid(p), tc = centroid(t);
  let cross = 0, dot = 0, tt = 0, pp = 0;
  for (let i = 0; i < 5; i++) {
    const ax = t[i].x - tc.x, ay = t[i].y - tc.y, bx = p[i].x - pc.x, by = p[i].y - pc.y;
    cross += ax * by - ay * bx;
    dot += ax * bx + ay * by;
    tt += ax * ax + ay * ay;
    pp += bx * bx + by * by;
  }
  // Least-squares residual of t → p under the best similarity, normalised by the face's spread.
  const residual = Math.max(0, pp - (cross * cross + dot * dot) / tt);
  return { roll: Math.atan2(cross, dot), misfit: pp > 0 ? Math.sqrt(residual / pp) : 1 };
}

const centroid = (ps: Point[]): Point => ({ x: ps.reduce((s, q) => s + q.x, 0) / ps.length, y: ps.reduce((s, q) => s + q.y, 0) / ps.length });

/** In-plane roll of the head in radians: the angle of the eye line (positive = clockwise on screen). */
export function rollAngle(pts: Point[]): number {
  const { leftEye, rightEye } = eyesAndMouth(pts);
  return Math.atan2(rightEye.y - leftEye.y, rightEye.x - leftEye.x);
}
