import type { Box } from '../contracts/live.js';

/** Intersection over union of two axis-aligned boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export function centerOf(b: Box): { x: number; y: number } {
  return { x: b.x + b.width / 2, y: b.y + b.height / 2 };
}

/** Centre distance relative to the larger box's width: a scale-free motion gate. */
export function relativeCenterDistance(a: Box, b: Box): number {
  const ca = centerOf(a);
  const cb = centerOf(b);
  return Math.hypot(ca.x - cb.x, ca.y - cb.y) / Math.max(a.width, b.width, 1);
}

/** Velocity of a box centre in pixels per millisecond. */
export interface Velocity {
  vx: number;
  vy: number;
}

/** Constant-velocity prediction of where a box will be `dtMs` later (size unchanged). */
export function predictBox(box: Box, v: Velocity, dtMs: number): Box {
  return { x: box.x + v.vx * dtMs, y: box.y + v.vy * dtMs, width: box.width, height: box.height };
}
