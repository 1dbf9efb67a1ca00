/**
 * The converted person detector must compute what the original tfjs graph computes, on real frames of
 * one-by-one.mp4: the ONNX heads against the same tfjs nodes (@tensorflow/tfjs, pure-JS CPU backend), and our
 * TypeScript decoding against the graph's own multi-person output.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maxAbsDiff } from './max-abs-diff.js';
import { loadModels, type ModelSet } from '../../device/src/vision/model-registry.js';
import { decodeMovenet, MOVENET_INSTANCES, MOVENET_KEYPOINTS, MOVENET_ROW, type MovenetHeads } from '../../device/src/people/movenet-decode.js';
import { DEFAULT_PERSON_INPUT, inputShape, letterbox, PersonDetector } from '../../device/src/people/person-detector.js';
import { loadMovenetReference, type MovenetReference } from './movenet-tfjs-reference.js';
import { oneByOneFrames } from '../people/one-by-one.js';

const SIZE = 256;
/** Seconds into the clip: the empty room, then each of the six people (one-by-one.csv). */
const TIMES = [3, 12, 33, 60, 80, 105, 130];
/** float16 weights widened exactly; what is left is float summation order. */
const HEAD_TOLERANCE = 1e-3;
const DECODE_TOLERANCE = 1e-4;

interface Sample {
  seconds: number;
  width: number;
  height: number;
  /** Letterboxed input, rounded to integers so tfjs (int32 input) and ONNX see the same pixels. */
  nchw: Float32Array;
  nhwc: Int32Array;
}

/** The frame letterboxed to `shape`, in both layouts, as integers. */
function prepared(frame: Parameters<typeof letterbox>[0], shape: { width: number; height: number; scale: number }, seconds: number): Sample {
  const plane = shape.width * shape.height;
  const nchw = new Float32Array(3 * plane);
  letterbox(frame, shape, nchw);
  const nhwc = new Int32Array(nchw.length);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round(nchw[c * plane + p]);
      nchw[c * plane + p] = v;
      nhwc[p * 3 + c] = v;
    }
  }
  return { seconds, width: shape.width, height: shape.height, nchw, nhwc };
}

async function samples(): Promise<Sample[]> {
  const wanted = new Set(TIMES.map((s) => s * 10));
  const out: Sample[] = [];
  for await (const { frame, index, seconds } of oneByOneFrames()) {
    if (!wanted.has(index)) continue;
    out.push(prepared(frame, { width: SIZE, height: SIZE, scale: SIZE / Math.max(frame.width, frame.height) }, seconds));
    // The detector's own input for a 16:9 frame is not square (192×128 at its default size): check that shape too.
    if (seconds === 33) out.push(prepared(frame, inputShape(frame, DEFAULT_PERSON_INPUT), seconds));
    if (out.length === wanted.size + 1) break;
  }
  return out;
}

/** NHWC → NCHW, with an optional sigmoid (the ONNX graph applies it to the two heatmaps). */
function toNchw(data: Float32Array, shape: number[], sigmoid: boolean): Float32Array {
  const [, h, w, c] = shape;
  const out = new Float32Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let k = 0; k < c; k++) {
        const v = data[(y * w + x) * c + k];
        out[(k * h + y) * w + x] = sigmoid ? 1 / (1 + Math.exp(-v)) : v;
      }
    }
  }
  return out;
}


describe('MoveNet MultiPose → ONNX conversion matches the tfjs graph on real frames', () => {
  let models: ModelSet;
  let reference: MovenetReference;
  let frames: Sample[];

  before(async () => {
    models = await loadModels({ ids: ['movenet-multipose'] });
    reference = await loadMovenetReference();
    frames = await samples();
    assert.equal(frames.length, TIMES.length + 1);
  });
  after(async () => {
    reference?.dispose();
    await models?.release();
  });

  it('heads, decoding and the person boxes agree on every frame', { timeout: 300_000 }, async (t) => {
    const detector = new PersonDetector(models.get('movenet-multipose').session);
    let worstHead = 0;
    let worstDecode = 0;
    for (const s of frames) {
      const ref = await reference.run(s.nhwc, s.width, s.height);
      const onnx = await detector.heads(s.nchw, s.width, s.height);
      const refHeads: MovenetHeads = { gridH: onnx.gridH, gridW: onnx.gridW } as MovenetHeads;
      const pairs: Array<[keyof MovenetHeads, string, boolean]> = [
        ['center', 'center', true], ['boxScale', 'box_scale', false], ['boxOffset', 'box_offset', false],
        ['keypointHeatmap', 'keypoint_heatmap', true], ['keypointRegress', 'keypoint_regress', false], ['keypointOffset', 'keypoint_offset', false],
      ];
      for (const [key, name, sigmoid] of pairs) {
        const r = ref.heads.get(name)!;
        assert.deepEqual(r.shape.slice(1, 3), [s.height / 4, s.width / 4], name);
        const nchw = toNchw(r.data, r.shape, sigmoid);
        (refHeads as unknown as Record<string, Float32Array>)[key] = nchw;
        const diff = maxAbsDiff(onnx[key] as Float32Array, nchw);
        worstHead = Math.max(worstHead, diff);
        assert.ok(diff <= HEAD_TOLERANCE, `${s.seconds} s ${name}: max |onnx − tfjs| = ${diff}`);
      }
      // Our decoding of tfjs' own heads reproduces the graph's output row for row.
      const decoded = decodeMovenet(refHeads);
      const d = maxAbsDiff(decoded, ref.output);
      worstDecode = Math.max(worstDecode, d);
      assert.ok(d <= DECODE_TOLERANCE, `${s.seconds} s decoding: max |ts − tfjs| = ${d}`);
      // End to end: the people the ONNX model + decoding finds are tfjs' people (same boxes, same scores).
      const mine = decodeMovenet(onnx);
      const people = (rows: Float32Array) =>
        Array.from({ length: MOVENET_INSTANCES }, (_, i) => rows.subarray(i * MOVENET_ROW + MOVENET_KEYPOINTS * 3, (i + 1) * MOVENET_ROW)).filter((b) => b[4] >= 0.3);
      const a = people(mine);
      const b = people(ref.output);
      assert.equal(a.length, b.length, `${s.seconds} s: people found`);
      for (let i = 0; i < a.length; i++) assert.ok(maxAbsDiff(a[i], b[i]) < 0.01, `${s.seconds} s person ${i}: ${a[i]} vs ${b[i]}`);
      assert.equal(b.length, s.seconds === 3 ? 0 : 1, `${s.seconds} s: the clip has ${s.seconds === 3 ? 'nobody' : 'one person'}`);
    }
    t.diagnostic(`heads max |onnx − tfjs| = ${worstHead.toExponential(2)}; decoding max |ts − tfjs| = ${worstDecode.toExponential(2)} over ${frames.length} frames`);
  });
});
