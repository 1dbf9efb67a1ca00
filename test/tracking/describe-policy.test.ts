import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsLocating, planDescription } from '../../device/src/tracking/describe-policy.js';
import { Track } from '../../device/src/tracking/track.js';
import { defaultTrackerOptions, FaceTracker } from '../../device/src/tracking/tracker.js';
import type { IdentityDecision, TrackedFace } from '../../device/src/tracking/types.js';

const opts = defaultTrackerOptions; // topK 5, minGoodFaces 2, verifyEveryMs 1000, betterShotMargin 0.05, demographicShots 5

function face(q: number, opts: { size?: number; emb?: boolean; age?: number } = {}): TrackedFace {
  const size = opts.size ?? 80;
  const f: TrackedFace = { box: { x: 100, y: 100, width: size, height: size }, score: 0.95, quality: { size, sharpness: 100, frontal: 0.9, score: q } };
  if (opts.emb) f.embedding = new Float32Array(128).fill(0.1);
  if (opts.age !== undefined) f.age = opts.age;
  return f;
}

/** A track holding shots of the given qualities, the last described at `describedAt`. */
function trackWith(qualities: number[], describedAt: number, state: 'collecting' | 'decided' = 'collecting'): Track {
  const t = new Track('t', 'cam', face(0.5), 0);
  for (const q of qualities) {
    const f = face(q, { emb: true, age: 30 });
    t.noteGoodFace(f);
    t.addShot({ face: f as TrackedFace & { embedding: Float32Array }, at: describedAt, weight: 1 }, opts.topK);
  }
  t.lastEmbeddingAt = describedAt;
  t.state = state;
  return t;
}

test('describe plan: new and undecided tracks are described while their face can change the decision', () => {
  assert.deepEqual(planDescription(null, face(0.8), 0, opts), { embed: true, ageGender: true }, 'a new track');
  assert.deepEqual(planDescription(null, face(0.8, { size: 20 }), 0, opts), { embed: false, ageGender: false }, 'below the size gate: never');
  assert.deepEqual(planDescription(null, face(0.1), 0, opts), { embed: false, ageGender: false }, 'below the quality floor: never');

  const one = trackWith([0.3], 100);
  assert.equal(planDescription(one, face(0.25), 200, opts).embed, true, 'fewer good faces than a decision needs: any good face');

  const full = trackWith([0.9, 0.8, 0.7, 0.6, 0.5], 100);
  assert.equal(planDescription(full, face(0.45), 200, opts).embed, false, 'would not enter the top 5: no new evidence');
  assert.equal(planDescription(full, face(0.55), 200, opts).embed, true, 'enters the top 5');
  assert.equal(planDescription(full, face(0.45), 1100, opts).embed, true, 'verification due after a second');
});

test('describe plan: a decided track is re-described only for a clearly better shot or when verification is due', () => {
  const t = trackWith([0.8, 0.7, 0.6, 0.5, 0.4], 1000, 'decided');
  assert.equal(planDescription(t, face(0.6), 1100, opts).embed, false, 'enters the top 5 but changes nothing decided');
  assert.equal(planDescription(t, face(0.83), 1100, opts).embed, false, 'better than the best, but not clearly');
  assert.deepEqual(planDescription(t, face(0.86), 1100, opts), { embed: true, ageGender: true }, 'clearly better: described, a new best demographic sample');
  assert.deepEqual(planDescription(t, face(0.6), 2000, opts), { embed: true, ageGender: false }, 'verification due; 5 demographic samples already');
});

test('locating: faces of decided tracks are measured on verification and every requalifyEveryMs, all others always', () => {
  assert.equal(needsLocating(null, 0, opts), true);
  assert.equal(needsLocating(trackWith([0.8, 0.7], 0), 100, opts), true, 'undecided');
  const t = trackWith([0.8, 0.7], 1000, 'decided');
  t.qualityCheckedAt = 1100;
  assert.equal(needsLocating(t, 1200, opts), false);
  assert.equal(needsLocating(t, 1100 + opts.requalifyEveryMs, opts), true, 'periodic quality check');
  t.qualityCheckedAt = 1900;
  assert.equal(needsLocating(t, 2000, opts), true, 'verification due');
});

test('tracker: once decided, a steady face is neither located nor described on every frame', async () => {
  const matched: IdentityDecision = { personId: 'S-000001', kind: 'staff', name: 'Ann', score: 0.9, distance: 0.3, runnerUp: null, reason: 'matched' };
  const tr = new FaceTracker('cam', {}, { decide: async () => matched, finish: async () => ({ decision: null, earlier: null }) }, () => {});
  const located: boolean[] = [];
  const described: boolean[] = [];
  for (let i = 0; i < 20; i++) {
    const at = i * 33;
    const [loc] = tr.locatePlan(at, [face(0.8)]);
    located.push(loc);
    const [want] = loc ? tr.wantsEmbedding(at, [face(0.8)]) : [false];
    described.push(want);
    tr.update(at, [loc ? face(0.8, { emb: want }) : { ...face(0), quality: { size: 80, sharpness: 0, frontal: 0, score: 0 } }]);
    await tr.idle();
  }
  assert.deepEqual(described.slice(0, 2), [true, true], 'the first two good faces decide');
  assert.ok(described.slice(2).every((d) => !d), `no describe once decided within the verification period: ${described}`);
  const measured = located.slice(2).filter(Boolean).length;
  assert.ok(measured >= 2 && measured <= 4, `quality checked about every 250 ms over 0.6 s (got ${measured})`);
  await tr.flush(1000);
});
