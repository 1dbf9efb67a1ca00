/** Draw detections on a copy of a frame (CLI `detect --out`): a box per face and its 68 landmarks. */
import type { RgbFrame } from '../frame/frame.js';
import type { Box } from '../contracts/live.js';
import type { Point } from './landmarks.js';

const BOX_COLOUR = [0, 255, 0] as const;
const POINT_COLOUR = [255, 64, 64] as const;

export function annotate(frame: RgbFrame, faces: Array<{ box: Box; landmarks?: Point[] }>): RgbFrame {
  const out: RgbFrame = { ...frame, data: Uint8Array.from(frame.data) };
  const t = Math.max(1, Math.round(Math.max(frame.width, frame.height) / 400));
  for (const f of faces) {
    const x1 = Math.round(f.box.x), y1 = Math.round(f.box.y);
    const x2 = Math.round(f.box.x + f.box.width), y2 = Math.round(f.box.y + f.box.height);
    fill(out, x1, y1, x2, y1 + t, BOX_COLOUR);
    fill(out, x1, y2 - t, x2, y2, BOX_COLOUR);
    fill(out, x1, y1, x1 + t, y2, BOX_COLOUR);
    fill(out, x2 - t, y1, x2, y2, BOX_COLOUR);
    for (const p of f.landmarks ?? []) fill(out, Math.round(p.x) - t, Math.round(p.y) - t, Math.round(p.x) + t, Math.round(p.y) + t, POINT_COLOUR);
  }
  return out;
}

/** Fill the rectangle [x1,x2)×[y1,y2), clipped to the frame. */
function fill(f: RgbFrame, x1: number, y1: number, x2: number, y2: number, c: readonly [number, number, number]): void {
  const xa = Math.max(0, x1), xb = Math.min(f.width, x2), ya = Math.max(0, y1), yb = Math.min(f.height, y2);
  for (let y = ya; y < yb; y++) {
    for (let x = xa; x < xb; x++) {
      const i = y * f.stride + x * 3;
      f.data[i] = c[0]; f.data[i + 1] = c[1]; f.data[i + 2] = c[2];
    }
  }
}
