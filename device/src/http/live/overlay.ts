import type { Box, FaceEvent } from '../../contracts/live.js';
import { countingSvgElements, type CountingShapes } from './counting-overlay.js';

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

const colours: Record<FaceEvent['kind'], string> = { staff: '#2e86de', customer: '#20bf6b', unknown: '#eb3b5a' };

/** People (footfall) as thin dashed white boxes, under the face boxes. */
function personSvgElements(width: number, persons: readonly Box[]): string {
  const stroke = Math.max(1, Math.round(width / 500));
  return persons
    .map((b) => `<rect x="${Math.round(b.x)}" y="${Math.round(b.y)}" width="${Math.round(b.width)}" height="${Math.round(b.height)}" fill="none" stroke="#ffffff" stroke-width="${stroke}" stroke-dasharray="${stroke * 6},${stroke * 4}"/>`)
    .join('');
}

/** What a box is labelled with: the staff member's name, the customer id, or "unknown". */
export function faceLabel(f: Pick<FaceEvent, 'kind' | 'name' | 'personId'>): string {
  if (f.kind === 'staff') return f.name ?? f.personId ?? 'staff';
  if (f.kind === 'customer') return f.personId ?? 'customer';
  return 'unknown';
}

/**
 * An SVG the size of the frame with one rectangle and label per face (over the camera's counting lines and zones,
 * when it has any), composited over the JPEG by sharp.
 */
export function overlaySvg(width: number, height: number, faces: readonly FaceEvent[], counting?: CountingShapes | null, persons: readonly Box[] = []): string {
  const stroke = Math.max(2, Math.round(width / 400));
  const fontSize = Math.max(12, Math.round(width / 60));
  const parts = faces.map((f) => {
    const x = Math.max(0, Math.round(f.box.x));
    const y = Math.max(0, Math.round(f.box.y));
    const w = Math.max(1, Math.min(width - x, Math.round(f.box.width)));
    const h = Math.max(1, Math.min(height - y, Math.round(f.box.height)));
    const label = escapeXml(faceLabel(f));
    const labelY = y - fontSize - 6 >= 0 ? y - fontSize - 6 : y + h;
    const labelW = Math.round(label.length * fontSize * 0.62) + 10;
    const c = colours[f.kind];
    return (
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${c}" stroke-width="${stroke}"/>` +
      `<rect x="${x}" y="${labelY}" width="${labelW}" height="${fontSize + 6}" fill="${c}"/>` +
      `<text x="${x + 5}" y="${labelY + fontSize}" font-family="sans-serif" font-size="${fontSize}" fill="#fff">${label}</text>`
    );
  });
  const shapes = (counting ? countingSvgElements(width, height, counting) : '') + personSvgElements(width, persons);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes}${parts.join('')}</svg>`;
}
