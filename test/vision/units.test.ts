import assert from 'node:assert/strict';
import { appliedRoll } from '../../device/src/vision/align.js';
import { consensusRoll, DEFAULT_ROLL_POLICY, rollCandidates } from '../../device/src/vision/engine.js';
import { describe, it } from 'node:test';
import { boxIou, nms, tileRects } from '../../device/src/vision/detector.js';
import { canIdentify, combinedQuality, MIN_IDENTITY_FACE_PX } from '../../device/src/vision/quality.js';
import { confidence, decide, euclidean, SAME_PERSON_MAX_DISTANCE } from '../../device/src/vision/similarity.js';
import { applyAffine, invertAffine, rectToSize, warpInto } from '../../device/src/vision/warp.js';
import { equalErrorRate, lcsScore } from '../../scripts/bench/face-scores.js';

const box = (x: number, y: number, w: number, h: number) => ({ x, y, width: w, height: h });

describe('detector post-processing', () => {
  it('NMS keeps the best-scoring box of an overlapping group, whatever the input order', () => {
    const dets = [
      { box: box(0, 0, 10, 10), score: 0.85 }, // IoU 0.68 with the 0.99 box → dropped
      { box: box(100, 100, 10, 10), score: 0.9 }, // alone → kept
      { box: box(1, 1, 10, 10), score: 0.99 }, // best → kept
      { box: box(5, 0, 10, 10), score: 0.95 }, // IoU 0.37 with the 0.99 box → kept
      { box: box(8, 0, 10, 10), score: 0.92 }, // IoU 0.54 with the 0.95 box → dropped
    ];
    const kept = nms(dets, 0.4);
    assert.deepEqual(kept.map((d) => d.score), [0.99, 0.95, 0.9]);
    assert.deepEqual(nms([...dets].reverse(), 0.4).map((d) => d.score), [0.99, 0.95, 0.9]);
    assert.equal(boxIou(box(0, 0, 10, 10), box(0, 0, 10, 10)), 1);
    assert.equal(boxIou(box(0, 0, 10, 10), box(20, 0, 10, 10)), 0);
  });

  it('tiles overlap and cover large frames, and are skipped for small ones', () => {
    assert.deepEqual(tileRects(640, 360, {}), []);
    const tiles = tileRects(1280, 720, {});
    assert.equal(tiles.length, 4);
    assert.ok(tiles.every((t) => t.x >= 0 && t.y >= 0 && t.x + t.width <= 1281 && t.y + t.height <= 721));
    assert.ok(tiles[0].x + tiles[0].width > tiles[1].x, 'neighbours overlap');
    assert.equal(Math.max(...tiles.map((t) => t.x + t.width)), 1280);
  });
});

describe('warp', () => {
  it('resampling a region reproduces a linear gradient exactly and zero-pads outside', () => {
    const w = 8, h = 4;
    const data = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 10, y * 10, 7], (y * w + x) * 3);
    const out = new Float32Array(4 * 2 * 3);
    warpInto({ data, width: w, height: h, stride: w * 3 }, rectToSize(2, 1, 4, 2, 4, 2), 4, 2, out, 0, { layout: 'nhwc', border: 'zero' });
    assert.deepEqual(Array.from(out.slice(0, 3)), [20, 10, 7]);
    const outside = new Float32Array(3);
    warpInto({ data, width: w, height: h, stride: w * 3 }, { a: 1, b: 0, c: 50, d: 0, e: 1, f: 50 }, 1, 1, outside, 0, { layout: 'nhwc', border: 'zero' });
    assert.deepEqual(Array.from(outside), [0, 0, 0]);
    const m = { a: 0.8, b: -0.6, c: 3, d: 0.6, e: 0.8, f: -2 };
    const [x, y] = applyAffine(invertAffine(m), ...applyAffine(m, 5, 7));
    assert.ok(Math.abs(x - 5) < 1e-9 && Math.abs(y - 7) < 1e-9);
  });
});

describe('similarity and quality rules', () => {
  it('Euclidean distance, confidence and the decision with a margin', () => {
    assert.equal(euclidean(Float32Array.of(0, 3), Float32Array.of(4, 0)), 5);
    assert.throws(() => euclidean(new Float32Array(2), new Float32Array(3)), RangeError);
    assert.equal(confidence(0), 1);
    assert.equal(confidence(SAME_PERSON_MAX_DISTANCE), 0.5);
    assert.equal(confidence(5), 0);
    assert.deepEqual(decide([{ label: 'a', distance: 0.7 }]), { kind: 'unknown', best: { label: 'a', distance: 0.7 } });
    assert.equal(decide([{ label: 'a', distance: 0.50 }, { label: 'b', distance: 0.51 }]).kind, 'ambiguous');
    const m = decide([{ label: 'b', distance: 0.56 }, { label: 'a', distance: 0.40 }]);
    assert.ok(m.kind === 'match' && m.label === 'a' && m.runnerUp?.label === 'b');
    assert.equal(decide([]).kind, 'unknown');
  });

  it('faces below the size or sharpness gate cannot name anyone', () => {
    assert.equal(canIdentify({ size: MIN_IDENTITY_FACE_PX - 1, sharpness: 500 }), false);
    assert.equal(canIdentify({ size: 80, sharpness: 10 }), false);
    assert.equal(canIdentify({ size: 80, sharpness: 500 }), true);
    assert.equal(combinedQuality(20, 500, 1, 1), 0);
    assert.ok(combinedQuality(100, 500, 1, 1) > combinedQuality(40, 60, 0.3, 0.8));
  });
});

describe('benchmark scoring', () => {
  it('LCS counts names in order and wrong names outside the alignment', () => {
    assert.deepEqual(lcsScore(['raj', 'leonard', 'sheldon'], ['leonard', 'sheldon']), { correct: 2, wrongNamed: 1 });
    assert.deepEqual(lcsScore(['biden', 'obama', null], ['biden', 'obama']), { correct: 2, wrongNamed: 0 });
    assert.deepEqual(lcsScore(['obama', 'biden'], ['biden', 'obama']), { correct: 1, wrongNamed: 1 });
  });

  it('EER is 0 with the gap midpoint when separable, and found by sweeping otherwise', () => {
    assert.deepEqual(equalErrorRate([0.2, 0.4], [0.6, 0.9]), { eer: 0, threshold: 0.5, separable: true });
    const r = equalErrorRate([0.2, 0.4, 0.7], [0.5, 0.8, 0.9]);
    assert.equal(r.separable, false);
    assert.ok(r.eer > 0 && r.eer < 0.5);
  });
});

describe('roll vote', () => {
  const rad = (d: number) => d * Math.PI / 180;
  const deg = (r: number) => Math.round(r * 180 / Math.PI);
  /** Views of equal fit: the vote is a head count. */
  const even = (rolls: number[]) => rolls.map((r) => ({ roll: rad(r), misfit: 0.2 }));
  it('takes the roll most views agree on, the most upright on a tie', () => {
    // a head rolled -60°: the plain view and two wrong turns "see" an upright face, four views agree on about -60
    assert.equal(deg(consensusRoll(even([-2, 5, -56, 27, -66, 69, -68]))), -63);
    assert.equal(deg(consensusRoll(even([-7, -2, -7, 45, -10, 74, -48]))), -6);
    assert.equal(deg(consensusRoll(even([30, -5]))), -5);
    // two camps that each agree (a −60° head "looks upright" in crops turned the wrong way too): both are offered
    assert.deepEqual(rollCandidates(even([-50, -11, -57, 48, -57, 55, -57])).map(deg), [-55, 52]);
    assert.deepEqual(rollCandidates(even([-7, -2, -7, 45, -10, 74, -48])).map(deg), [-6]);
  });
  it('weighs each view by how well its points fit a face: three clean views outvote four distorted ones', () => {
    // raj/1.png turned −60° (bench:faces robustness): the plain view and the crops turned the wrong way agree on
    // about 22°, but their points are distorted; the three crops turned toward the head agree on −59° and fit well
    const rolls = [25, 27, -58, 16, -59, 20, -59];
    const misfits = [0.248, 0.257, 0.088, 0.193, 0.056, 0.206, 0.041];
    const views = rolls.map((r, i) => ({ roll: rad(r), misfit: misfits[i] }));
    assert.deepEqual(rollCandidates(views).map(deg), [-59, 22]);
    // views that fit nothing (misfit past the cap) fall back to a head count
    assert.equal(deg(consensusRoll(rolls.map((r) => ({ roll: rad(r), misfit: 0.9 })))), 22);
  });
});

describe('roll policy', () => {
  const rad = (d: number) => d * Math.PI / 180;
  const deg = (r: number) => Math.round(r * 180 / Math.PI);
  const frontal = 0.5;
  it('levels a head rolled 25° or more whatever its fit, and marks it levelled', () => {
    const r = appliedRoll(rad(-40), { frontal: 0.1, misfit: 0.35 }, DEFAULT_ROLL_POLICY);
    assert.deepEqual([deg(r.applied), r.levelled], [-40, true]);
  });
  it('levels a milder roll (15–25°) only when the five points fit a face, without marking it levelled', () => {
    // sheldon/3.png turned −20° (bench:faces robustness): 23° at misfit 0.13 → levelled, named right again
    const fits = appliedRoll(rad(-23), { frontal, misfit: 0.13 }, DEFAULT_ROLL_POLICY);
    assert.deepEqual([deg(fits.applied), fits.levelled], [-23, false]);
    // Obama laughing in hamilton.mp4: 18–20° at misfit 0.27–0.38, better known unrotated → plain chip
    assert.deepEqual(appliedRoll(rad(19), { frontal: 0.35, misfit: 0.31 }, DEFAULT_ROLL_POLICY), { applied: 0, levelled: false });
    // below 15° the plain chip stays, however well the points fit
    assert.deepEqual(appliedRoll(rad(12), { frontal, misfit: 0.05 }, DEFAULT_ROLL_POLICY), { applied: 0, levelled: false });
  });
});
