/**
 * Person (body) detector: MoveNet MultiPose converted to ONNX (models/movenet-multipose.json). The frame is
 * scaled so its long side is `inputSize` (192 by default) and letterboxed (top-left, black padding) to the next multiples of 32:
 * the network is fully convolutional, so a 16:9 frame costs 192×128 instead of a 192² square that would be a third
 * padding. The six heads run on onnxruntime and are decoded in TypeScript (movenet-decode.ts); boxes come back in
 * frame pixels.
 * Measured on one-by-one.mp4 (docs/models.md): box score ≥ 0.3 separates people (≥ 0.49 in 90% of person frames)
 * from the faint static box the empty room gets (≤ 0.15).
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import { ScratchBuffer } from '../vision/scratch.js';
import { rectToSize, warpInto } from '../vision/warp.js';
import { nms } from '../vision/detector.js';
import { decodeMovenet, MOVENET_INSTANCES, MOVENET_KEYPOINTS, MOVENET_ROW, type MovenetHeads } from './movenet-decode.js';

export interface Keypoint {
  x: number;
  y: number;
  score: number;
}

export interface PersonDetection {
  /** Pixel box in the frame. */
  box: Box;
  /** MoveNet's instance score, 0..1. */
  score: number;
  /** 17 COCO keypoints (nose, eyes, ears, shoulders, elbows, wrists, hips, knees, ankles) in frame pixels. */
  keypoints: Keypoint[];
}

export interface PersonDetectorOptions {
  /** The input's long side (multiple of 32; default DEFAULT_PERSON_INPUT). */
  inputSize?: number;
  /** Minimum instance score (default 0.3). */
  threshold?: number;
}

export const DEFAULT_PERSON_THRESHOLD = 0.3;
/**
 * 192: a 16:9 frame becomes 192×128, 0.6 of 256×160's pixels and time, with the same recall on the clip's people
 * (198 of 198 person frames at 192² and 256², docs/models.md) and its counts still exact (docs/footfall.md).
 */
export const DEFAULT_PERSON_INPUT = 192;
/** Two instances overlapping this much are one person seen twice (rare: the peak picking already separates). */
const PERSON_NMS_IOU = 0.6;

/** The network input for a frame: long side `size`, both sides rounded up to multiples of 32. */
export function inputShape(frame: { width: number; height: number }, size: number): { width: number; height: number; scale: number } {
  const scale = size / Math.max(frame.width, frame.height);
  const up = (v: number) => Math.max(32, Math.ceil((v * scale) / 32) * 32);
  return { width: up(frame.width), height: up(frame.height), scale };
}

/** The letterbox the network sees: the frame scaled by `scale` into the top-left corner of width×height, black elsewhere. */
export function letterbox(frame: RgbFrame, shape: { width: number; height: number; scale: number }, out: Float32Array): void {
  const { width, height, scale } = shape;
  warpInto(frame, rectToSize(0, 0, width / scale, height / scale, width, height), width, height, out, 0, { layout: 'nchw', border: 'zero' });
}

export class PersonDetector {
  readonly inputSize: number;
  readonly threshold: number;
  private readonly scratch = new ScratchBuffer();

  constructor(private readonly session: ort.InferenceSession, opts: PersonDetectorOptions = {}) {
    this.inputSize = opts.inputSize ?? DEFAULT_PERSON_INPUT;
    if (this.inputSize % 32 !== 0) throw new Error(`person detector input ${this.inputSize} is not a multiple of 32`);
    this.threshold = opts.threshold ?? DEFAULT_PERSON_THRESHOLD;
  }

  /** Runs the network on a prepared NCHW input (RGB 0..255) of width×height; returns the raw heads. */
  async heads(input: Float32Array, width: number, height = width): Promise<MovenetHeads> {
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [1, 3, height, width]) });
    const grid = out.center.dims;
    return {
      gridH: grid[2],
      gridW: grid[3],
      center: out.center.data as Float32Array,
      boxScale: out.box_scale.data as Float32Array,
      boxOffset: out.box_offset.data as Float32Array,
      keypointHeatmap: out.keypoint_heatmap.data as Float32Array,
      keypointRegress: out.keypoint_regress.data as Float32Array,
      keypointOffset: out.keypoint_offset.data as Float32Array,
    };
  }

  /** People in the frame with a score ≥ `threshold`, best first. */
  async detect(frame: RgbFrame, threshold = this.threshold): Promise<PersonDetection[]> {
    const shape = inputShape(frame, this.inputSize);
    const input = this.scratch.take(3 * shape.width * shape.height);
    let rows: Float32Array;
    try {
      letterbox(frame, shape, input);
      rows = decodeMovenet(await this.heads(input, shape.width, shape.height));
    } finally {
      this.scratch.give(input);
    }
    // Fractions of the input → frame pixels (the letterbox starts at the frame's top-left).
    const px = shape.width / shape.scale;
    const py = shape.height / shape.scale;
    const found: PersonDetection[] = [];
    for (let i = 0; i < MOVENET_INSTANCES; i++) {
      const r = i * MOVENET_ROW;
      const b = r + MOVENET_KEYPOINTS * 3;
      const score = rows[b + 4];
      if (score < threshold) continue;
      const x1 = Math.min(rows[b + 1] * px, frame.width);
      const y1 = Math.min(rows[b] * py, frame.height);
      const x2 = Math.min(rows[b + 3] * px, frame.width);
      const y2 = Math.min(rows[b + 2] * py, frame.height);
      if (x2 <= x1 || y2 <= y1) continue;
      const keypoints: Keypoint[] = [];
      for (let j = 0; j < MOVENET_KEYPOINTS; j++) keypoints.push({ y: rows[r + 3 * j] * py, x: rows[r + 3 * j + 1] * px, score: rows[r + 3 * j + 2] });
      found.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score, keypoints });
    }
    return nms(found, PERSON_NMS_IOU);
  }
}
