import type { TfjsWeight } from './tfjs-weights.js';

/**
 * tfjs conv filters are HWIO; ONNX Conv wants OIHW. `outScale` (per output channel) folds a following
 * per-channel multiply into the filter: conv(x, F)·s = conv(x, F·s).
 */
export function hwioToOihw(filter: TfjsWeight, outScale?: Float32Array): { dims: number[]; data: Float32Array } {
  const [h, w, i, o] = filter.shape;
  const data = new Float32Array(filter.values.length);
  for (let oc = 0; oc < o; oc++) {
    const s = outScale ? outScale[oc] : 1;
    for (let ic = 0; ic < i; ic++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          data[((oc * i + ic) * h + y) * w + x] = filter.values[((y * w + x) * i + ic) * o + oc] * s;
        }
      }
    }
  }
  return { dims: [o, i, h, w], data };
}

/** tfjs depthwise filters are [H, W, C, 1]; ONNX grouped Conv (group = C) wants [C, 1, H, W]. */
export function depthwiseToOnnx(filter: TfjsWeight): { dims: number[]; data: Float32Array } {
  const [h, w, c, m] = filter.shape;
  if (m !== 1) throw new Error(`depthwise multiplier ${m} is not supported`);
  const data = new Float32Array(filter.values.length);
  for (let ch = 0; ch < c; ch++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) data[(ch * h + y) * w + x] = filter.values[(y * w + x) * c + ch];
    }
  }
  return { dims: [c, 1, h, w], data };
}
