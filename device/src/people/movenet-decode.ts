/**
 * MoveNet MultiPose's multi-person post-processing, done here rather than in the ONNX graph (docs/models.md):
 * the same arithmetic as the tfjs graph after its six heads (centre peak picking with a 5×5 max-pool, top 6,
 * box from scale and offset, keypoints regressed from the centre then snapped to the best heatmap cell inside
 * the box, instance score = mean centre×keypoint score over keypoints above 0.127). The output rows are the
 * graph's own: 17 × (y, x, score) then [ymin, xmin, ymax, xmax] and the score, all as fractions of the input.
 */

export const MOVENET_INSTANCES = 6;
export const MOVENET_KEYPOINTS = 17;
/** Values per instance row: 17 keypoints × 3, a box of 4, a score. */
export const MOVENET_ROW = MOVENET_KEYPOINTS * 3 + 5;
/** The graph's constants (float32 values as stored in the tfjs graph). */
const PEAK_EPSILON = 1.0132789611816406e-6;
const KEYPOINT_SIGMA_FACTOR = 0.300048828125;
const KEYPOINT_MIN_SCORE = 0.126953125;
const PEAK_POOL = 5;

/** The six head outputs of the converted model, NCHW, at the head grid size (input / 4). */
export interface MovenetHeads {
  gridH: number;
  gridW: number;
  center: Float32Array;
  boxScale: Float32Array;
  boxOffset: Float32Array;
  keypointHeatmap: Float32Array;
  keypointRegress: Float32Array;
  keypointOffset: Float32Array;
}

/** Centre-heatmap cells that are the maximum of their 5×5 neighbourhood (others zeroed), as the graph does. */
function peaks(center: Float32Array, h: number, w: number): Float32Array {
  const out = new Float32Array(h * w);
  const r = PEAK_POOL >> 1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let max = -Infinity;
      for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++) {
        for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) max = Math.max(max, center[yy * w + xx]);
      }
      const v = center[y * w + x];
      out[y * w + x] = Math.abs(v - max) < PEAK_EPSILON ? v : 0;
    }
  }
  return out;
}

/** Indices of the k largest values, largest first; equal values keep index order (as tfjs' TopK). */
function topK(values: Float32Array, k: number): number[] {
  const best: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (best.length === k && v <= values[best[k - 1]]) continue;
    let at = best.length;
    while (at > 0 && values[best[at - 1]] < v) at--;
    best.splice(at, 0, i);
    if (best.length > k) best.pop();
  }
  return best;
}

interface Instance {
  score: number;
  /** Box in grid cells, clipped to the grid. */
  ymin: number;
  xmin: number;
  ymax: number;
  xmax: number;
  /** Keypoints regressed from the centre, in grid cells. */
  ky: Float64Array;
  kx: Float64Array;
}

/** Decodes the heads into MOVENET_INSTANCES rows of MOVENET_ROW values (the tfjs graph's [1, 6, 56] output). */
export function decodeMovenet(heads: MovenetHeads): Float32Array {
  const { gridH: h, gridW: w } = heads;
  const plane = h * w;
  const instances: Instance[] = topK(peaks(heads.center, h, w), MOVENET_INSTANCES).map((idx) => {
    const y = Math.floor(idx / w);
    const x = idx - y * w;
    const sh = Math.max(heads.boxScale[idx], 0);
    const sw = Math.max(heads.boxScale[plane + idx], 0);
    const cy = y + heads.boxOffset[idx];
    const cx = x + heads.boxOffset[plane + idx];
    const ky = new Float64Array(MOVENET_KEYPOINTS);
    const kx = new Float64Array(MOVENET_KEYPOINTS);
    for (let j = 0; j < MOVENET_KEYPOINTS; j++) {
      ky[j] = y + heads.keypointRegress[2 * j * plane + idx];
      kx[j] = x + heads.keypointRegress[(2 * j + 1) * plane + idx];
    }
    const clip = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    return {
      score: heads.center[idx],
      ymin: clip(cy - sh * 0.5, h),
      xmin: clip(cx - sw * 0.5, w),
      ymax: clip(cy + sh * 0.5, h),
      xmax: clip(cx + sw * 0.5, w),
      ky,
      kx,
    };
  });
  const norm = 1 / Math.min(h, w) / KEYPOINT_SIGMA_FACTOR;
  // Heatmap weight of instance i's keypoint j at cell (r, c): zero outside the instance's box.
  const weight = (i: number, j: number, r: number, c: number): number => {
    const inst = instances[i];
    if (!(r >= inst.ymin && r < inst.ymax && c >= inst.xmin && c < inst.xmax)) return 0;
    const d2 = (r - inst.ky[j]) ** 2 + (c - inst.kx[j]) ** 2;
    return heads.keypointHeatmap[j * plane + r * w + c] * Math.exp(-d2 * norm);
  };

  const out = new Float32Array(MOVENET_INSTANCES * MOVENET_ROW);
  instances.forEach((inst, i) => {
    const row = i * MOVENET_ROW;
    let sum = 0;
    let count = 0;
    for (let j = 0; j < MOVENET_KEYPOINTS; j++) {
      // The best cell for this keypoint inside the box (row-major first maximum; (0, 0) when all are zero).
      let best = 0;
      let br = 0;
      let bc = 0;
      for (let r = Math.max(0, Math.ceil(inst.ymin)); r < inst.ymax && r < h; r++) {
        for (let c = Math.max(0, Math.ceil(inst.xmin)); c < inst.xmax && c < w; c++) {
          const v = weight(i, j, r, c);
          if (v > best) [best, br, bc] = [v, r, c];
        }
      }
      // The graph scores a keypoint by the best weight of ANY instance at that cell.
      let score = 0;
      for (let k = 0; k < instances.length; k++) score = Math.max(score, weight(k, j, br, bc));
      const cell = br * w + bc;
      out[row + 3 * j] = (br + heads.keypointOffset[2 * j * plane + cell]) / h;
      out[row + 3 * j + 1] = (bc + heads.keypointOffset[(2 * j + 1) * plane + cell]) / w;
      out[row + 3 * j + 2] = score;
      if (score > KEYPOINT_MIN_SCORE) {
        sum += inst.score * score;
        count++;
      }
    }
    const b = row + MOVENET_KEYPOINTS * 3;
    out[b] = Math.min(inst.ymin / h, 1);
    out[b + 1] = Math.min(inst.xmin / w, 1);
    out[b + 2] = Math.min(inst.ymax / h, 1);
    out[b + 3] = Math.min(inst.xmax / w, 1);
    out[b + 4] = sum / Math.max(count, 1);
  });
  return out;
}
