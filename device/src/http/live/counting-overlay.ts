import type { CountingLine, CountingZone, Point } from '../../contracts/footfall.js';

export interface CountingShapes {
  lines: readonly CountingLine[];
  zones: readonly CountingZone[];
}

const LINE = '#f7b731';
const ZONE = '#45aaf2';

/**
 * A camera's counting lines (yellow, with an arrow into the inside) and zones (translucent blue) as SVG elements
 * in frame pixels, to be drawn on the live view under the face boxes.
 */
export function countingSvgElements(width: number, height: number, c: CountingShapes): string {
  const stroke = Math.max(2, Math.round(width / 300));
  const px = (p: Point) => `${Math.round(p.x * width)},${Math.round(p.y * height)}`;
  const zones = c.zones.map((z) => `<polygon points="${z.polygon.map(px).join(' ')}" fill="${ZONE}" fill-opacity="0.18" stroke="${ZONE}" stroke-width="${stroke}"/>`);
  const lines = c.lines.map((l) => {
    const [a, b] = l.points;
    // The arrow starts mid first segment and points into the inside (right of a→b on the image, y down).
    const [mx, my] = [((a.x + b.x) / 2) * width, ((a.y + b.y) / 2) * height];
    const [dx, dy] = [(b.x - a.x) * width, (b.y - a.y) * height];
    const len = Math.hypot(dx, dy) || 1;
    const s = (l.inSide === 'right' ? 1 : -1) * Math.max(12, width / 30);
    const [tx, ty] = [mx + (-dy / len) * s, my + (dx / len) * s];
    return (
      `<polyline points="${l.points.map(px).join(' ')}" fill="none" stroke="${LINE}" stroke-width="${stroke * 1.5}"/>` +
      `<line x1="${Math.round(mx)}" y1="${Math.round(my)}" x2="${Math.round(tx)}" y2="${Math.round(ty)}" stroke="${LINE}" stroke-width="${stroke}"/>` +
      `<circle cx="${Math.round(tx)}" cy="${Math.round(ty)}" r="${stroke * 2}" fill="${LINE}"/>`
    );
  });
  return zones.join('') + lines.join('');
}
