/** Plane geometry for counting lines and zones, in frame fractions (x right, y down). */
import type { Point } from '../contracts/footfall.js';

/** > 0 when p is to the right of a→b as seen walking from a to b on the image (y down), < 0 to the left. */
export function cross(a: Point, b: Point, p: Point): number {
  return (b.x - a.x) * (p.y - a.y) - (b.y - a.y) * (p.x - a.x);
}

function distanceToSegment(a: Point, b: Point, p: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const t = len2 > 0 ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len2)) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

/**
 * Which side of a polyline p is on, judged by its nearest segment: 1 = right, -1 = left, 0 = closer than `margin`
 * (too near to tell: a person standing on the line must not flicker between sides).
 */
export function sideOfPolyline(points: readonly Point[], p: Point, margin: number): -1 | 0 | 1 {
  let best = Infinity;
  let side = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const d = distanceToSegment(points[i], points[i + 1], p);
    if (d < best) {
      best = d;
      side = cross(points[i], points[i + 1], p);
    }
  }
  if (best < margin) return 0;
  return side > 0 ? 1 : side < 0 ? -1 : 0;
}

function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = cross(q1, q2, p1);
  const d2 = cross(q1, q2, p2);
  const d3 = cross(p1, p2, q1);
  const d4 = cross(p1, p2, q2);
  return ((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0));
}

/** Whether the move from → to crosses the polyline (not merely goes round its end). */
export function crossesPolyline(points: readonly Point[], from: Point, to: Point): boolean {
  for (let i = 0; i + 1 < points.length; i++) if (segmentsIntersect(from, to, points[i], points[i + 1])) return true;
  return false;
}

/** Even-odd point-in-polygon. */
export function insidePolygon(polygon: readonly Point[], p: Point): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i];
    const b = polygon[j];
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}
