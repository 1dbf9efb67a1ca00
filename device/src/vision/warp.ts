/**
 * The one pixel sampler of the engine: bilinear sampling of an RGB frame through an affine map, written straight
 * into the float tensor layout a model wants. Resizing a region, cropping a face and rotating a chip upright are all
 * affine maps, so every model input is produced here (plain JS, no intermediate images: this is the hot path).
 */
import type { RgbFrame } from '../frame/frame.js';

/** Output pixel (u, v) samples the source at (a·u + b·v + c, d·u + e·v + f); pixel centres are integers. */
export interface Affine {
  a: number; b: number; c: number;
  d: number; e: number; f: number;
}

export type Layout =
  /** planar RGB [3,H,W] */
  | 'nchw'
  /** interleaved RGB [H,W,3] */
  | 'nhwc'
  /** one channel, 0.299R + 0.587G + 0.114B */
  | 'gray';

export interface WarpOptions {
  layout: Layout;
  /** value' = (value − mean) · scale */
  mean?: number;
  scale?: number;
  /** 'zero': outside the image is black (face chips); 'clamp': edge pixels repeat (whole-frame resize). */
  border?: 'zero' | 'clamp';
}

/** Map that resizes the source rectangle (x, y, w, h) to outW×outH with half-pixel centres (OpenCV INTER_LINEAR). */
export function rectToSize(x: number, y: number, w: number, h: number, outW: number, outH: number): Affine {
  const sx = w / outW;
  const sy = h / outH;
  return { a: sx, b: 0, c: x + 0.5 * sx - 0.5, d: 0, e: sy, f: y + 0.5 * sy - 0.5 };
}

/** Sample `frame` through `m` into `out` (starting at `offset`), outW×outH pixels in the chosen layout. */
export function warpInto(frame: RgbFrame, m: Affine, outW: number, outH: number, out: Float32Array, offset: number, opts: WarpOptions): void {
  const { data, width, height, stride } = frame;
  const mean = opts.mean ?? 0;
  const scale = opts.scale ?? 1;
  const clamp = opts.border === 'clamp';
  const plane = outW * outH;
  const maxX = width - 1;
  const maxY = height - 1;
  let px = 0;
  for (let v = 0; v < outH; v++) {
    let sx = m.b * v + m.c;
    let sy = m.e * v + m.f;
    for (let u = 0; u < outW; u++, px++, sx += m.a, sy += m.d) {
      let x = sx;
      let y = sy;
      if (clamp) {
        x = x < 0 ? 0 : x > maxX ? maxX : x;
        y = y < 0 ? 0 : y > maxY ? maxY : y;
      }
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      const fx = x - x0;
      const fy = y - y0;
      let r = 0, g = 0, bl = 0;
      if (x0 >= 0 && y0 >= 0 && x0 < maxX && y0 < maxY) {
        // fast path: all four neighbours inside
        const i00 = y0 * stride + x0 * 3;
        const i10 = i00 + stride;
        const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
        r = data[i00] * w00 + data[i00 + 3] * w01 + data[i10] * w10 + data[i10 + 3] * w11;
        g = data[i00 + 1] * w00 + data[i00 + 4] * w01 + data[i10 + 1] * w10 + data[i10 + 4] * w11;
        bl = data[i00 + 2] * w00 + data[i00 + 5] * w01 + data[i10 + 2] * w10 + data[i10 + 5] * w11;
      } else if (x0 >= -1 && y0 >= -1 && x0 <= maxX && y0 <= maxY) {
        // border: neighbours outside the image count as black (or are clamped above)
        for (let k = 0; k < 4; k++) {
          const xx = x0 + (k & 1);
          const yy = y0 + (k >> 1);
          if (xx < 0 || yy < 0 || xx > maxX || yy > maxY) continue;
          const wgt = ((k & 1) ? fx : 1 - fx) * ((k >> 1) ? fy : 1 - fy);
          const i = yy * stride + xx * 3;
          r += data[i] * wgt;
          g += data[i + 1] * wgt;
          bl += data[i + 2] * wgt;
        }
      }
      switch (opts.layout) {
        case 'nchw':
          out[offset + px] = (r - mean) * scale;
          out[offset + plane + px] = (g - mean) * scale;
          out[offset + 2 * plane + px] = (bl - mean) * scale;
          break;
        case 'nhwc': {
          const o = offset + px * 3;
          out[o] = (r - mean) * scale;
          out[o + 1] = (g - mean) * scale;
          out[o + 2] = (bl - mean) * scale;
          break;
        }
        case 'gray':
          out[offset + px] = (0.299 * r + 0.587 * g + 0.114 * bl - mean) * scale;
          break;
      }
    }
  }
}

/** Apply the affine map to a point (output → source coordinates). */
export function applyAffine(m: Affine, u: number, v: number): [number, number] {
  return [m.a * u + m.b * v + m.c, m.d * u + m.e * v + m.f];
}

/** The inverse map (source → output coordinates). */
export function invertAffine(m: Affine): Affine {
  const det = m.a * m.e - m.b * m.d;
  const a = m.e / det, b = -m.b / det, d = -m.d / det, e = m.a / det;
  return { a, b, c: -(a * m.c + b * m.f), d, e, f: -(d * m.c + e * m.f) };
}
