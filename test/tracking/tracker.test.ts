import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignDetections } from '../../device/src/tracking/assignment.js';
import { iou } from '../../device/src/tracking/geometry.js';
import { trackGender } from '../../device/src/tracking/track.js';
import { FaceTracker } from '../../device/src/tracking/tracker.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackEvent, TrackFinish, TrackSummary } from '../../device/src/tracking/types.js';

const box = (x: number, y: number, w = 60, h = 60) => ({ x, y, width: w, height: h });

function face(x: number, y: number, opts: { size?: number; sharpness?: number; q?: number; emb?: number } = {}): TrackedFace {
  const size = opts.size ?? 60;
  const f: TrackedFace = {
    box: box(x, y, size, size),
    score: 0.95,
    quality: { size, sharpness: opts.sharpness ?? 100, frontal: 0.9, score: opts.q ?? 0.8 },
  };
  if (opts.emb !== undefined) f.embedding = new Float32Array(128).fill(opts.emb);
  return f;
}

/** Records what the tracker asks and answers "insufficient" until told otherwise. */
class RecordingDecider implements TrackDecider {
  asked: TrackSummary[] = [];
  finished: TrackSummary[] = [];
  answer: (s: TrackSummary) => IdentityDecision = () => ({ personId: null, kind: 'unknown', name: null, score: 0, distance: null, runnerUp: null, reason: 'insufficient' });
  async decide(s: TrackSummary): Promise<IdentityDecision> {
    this.asked.push(s);
    return this.answer(s);
  }
  async finish(s: TrackSummary): Promise<TrackFinish> {
    this.finished.push(s);
    return { decision: null, earlier: null };
  }
}

test('iou and greedy one-to-one assignment pick the best overlaps', () => {
  assert.equal(iou(box(0, 0, 10, 10), box(0, 0, 10, 10)), 1);
  assert.equal(iou(box(0, 0, 10, 10), box(20, 20, 10, 10)), 0);
  assert.ok(Math.abs(iou(box(0, 0, 10, 10), box(5, 0, 10, 10)) - 1 / 3) < 1e-9);
  // Two tracks, three detections: each track takes its own best, the far one starts a new track.
  const m = assignDetections([box(0, 0), box(100, 0)], [box(105, 2), box(3, 1), box(400, 400)]);
  assert.deepEqual(m, [1, 0, -1]);
  // Two detections both overlapping one track: only the better one joins it.
  const m2 = assignDetections([box(0, 0)], [box(20, 0), box(2, 0)]);
  assert.deepEqual(m2, [-1, 0]);
});

test('faces keep their track across frames while moving; constant velocity bridges a fast move', () => {
  const events: TrackEvent[] = [];
  const tr = new FaceTracker('cam', {}, null, (e) => events.push(e));
  const ids: Array<string | null> = [];
  // Moves 30 px per 100 ms: IoU with the last box would be low after a skipped frame, the prediction keeps it.
  for (let i = 0; i < 10; i++) {
    if (i === 5) continue; // one dropped frame
    ids.push(tr.update(i * 100, [face(i * 30, 50)])[0]);
  }
  assert.equal(new Set(ids).size, 1);
  assert.equal(events.filter((e) => e.type === 'started').length, 1);
});

test('two faces in one frame never join the same track, even when they overlap heavily', () => {
  const tr = new FaceTracker('cam', {}, null, () => {});
  const [a] = tr.update(0, [face(100, 100)]);
  const [b, c] = tr.update(100, [face(104, 100), face(110, 100)]);
  assert.notEqual(b, c);
  assert.ok(b === a || c === a);
  assert.equal(tr.activeTracks, 2);
});

test('a track survives a short occlusion and ends after the budget', async () => {
  const events: TrackEvent[] = [];
  const tr = new FaceTracker('cam', { maxMissedFrames: 5, maxMissedMs: 1000 }, null, (e) => events.push(e));
  const [first] = tr.update(0, [face(100, 100)]);
  for (let i = 1; i <= 4; i++) tr.update(i * 100, []); // occluded for 4 frames
  const [again] = tr.update(500, [face(102, 100)]);
  assert.equal(again, first);
  for (let i = 6; i <= 12; i++) tr.update(i * 100, []);
  await tr.idle();
  const ended = events.filter((e) => e.type === 'ended');
  assert.equal(ended.length, 1);
  assert.equal(ended[0].trackId, first);
  const [later] = tr.update(1300, [face(102, 100)]);
  assert.notEqual(later, first);
  // A slow box (the next analysed frame two seconds later) is no evidence the person left: the track goes on.
  const [slow] = tr.update(3300, [face(103, 100)]);
  assert.equal(slow, later);
  // tick() ends tracks when frames stop coming altogether, after the stall budget.
  tr.tick(4500);
  assert.equal(tr.activeTracks, 1);
  tr.tick(9000);
  await tr.idle();
  assert.equal(tr.activeTracks, 0);
  assert.equal(events.filter((e) => e.type === 'ended').length, 2);
});

test('small or blurred faces are counted but never decide; the track ends as too-small', async () => {
  const events: TrackEvent[] = [];
  const decider = new RecordingDecider();
  const tr = new FaceTracker('cam', { minFaceSize: 40, minSharpness: 15 }, decider, (e) => events.push(e));
  for (let i = 0; i < 6; i++) tr.update(i * 100, [face(100, 100, { size: 30, emb: 0.1 })]);
  for (let i = 6; i < 12; i++) tr.update(i * 100, [face(100, 100, { size: 40, sharpness: 3, emb: 0.1 })]);
  assert.deepEqual(tr.wantsEmbedding(1200, [face(100, 100, { size: 24 }), face(300, 300, { size: 80 })]), [false, true]);
  await tr.flush(2000);
  assert.equal(decider.asked.length, 0, 'no decision from tiny or blurred faces');
  const end = events.find((e) => e.type === 'ended');
  assert.ok(end && end.type === 'ended');
  assert.equal(end.state, 'too-small');
  assert.equal(end.summary.detections, 12);
  assert.equal(end.summary.goodFaces, 0);
});

test('identity is asked only with enough good faces, keeps the top-K shots, and a decision is announced', async () => {
  const events: TrackEvent[] = [];
  const decider = new RecordingDecider();
  const tr = new FaceTracker('cam', { topK: 3, minGoodFaces: 2 }, decider, (e) => events.push(e));
  tr.update(0, [face(100, 100, { emb: 0.1, q: 0.5 })]);
  await tr.idle();
  assert.equal(decider.asked.length, 0, 'one frame never decides');
  tr.update(100, [face(100, 100, { emb: 0.1, q: 0.7 })]);
  await tr.idle();
  assert.equal(decider.asked.length, 1);
  decider.answer = (s) => ({ personId: 'C-000001', kind: 'customer', name: null, score: 0.8, distance: 0.2, runnerUp: null, reason: s.shots.length >= 3 ? 'matched' : 'insufficient' });
  for (const [i, q] of [0.9, 0.6, 0.95, 0.3].entries()) tr.update(200 + i * 100, [face(100, 100, { emb: 0.1, q })]);
  await tr.idle();
  const last = decider.asked[decider.asked.length - 1];
  assert.deepEqual(last.shots.map((s) => s.face.quality.score), [0.95, 0.9, 0.7]);
  const decisions = events.filter((e) => e.type === 'decision');
  assert.ok(decisions.some((e) => e.type === 'decision' && e.state === 'decided' && e.decision.personId === 'C-000001'));
  const seen = events.filter((e) => e.type === 'seen');
  assert.equal(seen.length, 6);
  await tr.flush(1000);
  assert.equal(decider.finished.length, 1);
});

test('a person held by a track seen in the same frame is passed as excluded to identity', async () => {
  const decider = new RecordingDecider();
  decider.answer = (s) =>
    s.trackId.endsWith('-1')
      ? { personId: 'S-000001', kind: 'staff', name: 'Ann', score: 0.9, distance: 0.3, runnerUp: null, reason: 'matched' }
      : { personId: null, kind: 'unknown', name: null, score: 0, distance: null, runnerUp: null, reason: 'uncertain' };
  const tr = new FaceTracker('cam', {}, decider, () => {});
  tr.update(0, [face(100, 100, { emb: 0.1 })]);
  tr.update(100, [face(100, 100, { emb: 0.1 })]);
  await tr.idle();
  tr.update(200, [face(100, 100, { emb: 0.1 }), face(400, 100, { emb: 0.2 })]);
  tr.update(300, [face(100, 100, { emb: 0.1 }), face(400, 100, { emb: 0.2 })]);
  await tr.idle();
  const second = decider.asked.filter((s) => s.trackId.endsWith('-2'));
  assert.ok(second.length >= 1);
  assert.deepEqual(second[second.length - 1].concurrentPersonIds, ['S-000001']);
  await tr.flush(400);
});

test('a different face in the same place (shot cut) starts a new track; the same face continues', () => {
  const tr = new FaceTracker('cam', {}, null, () => {});
  const [a] = tr.update(0, [face(100, 100, { emb: 0.1 })]);
  const [same] = tr.update(100, [face(102, 100, { emb: 0.11 })]); // distance 0.11: the same person
  assert.equal(same, a);
  const [other] = tr.update(200, [face(102, 100, { emb: 0.2 })]); // distance ~1.0 from the last good face
  assert.notEqual(other, a);
  // A face that shrinks by half between two frames is not the same track either.
  const [shrunk] = tr.update(300, [face(110, 110, { size: 30 })]);
  assert.notEqual(shrunk, other);
  // A decided track still asks for a descriptor now and then, so the check keeps working.
  assert.deepEqual(tr.wantsEmbedding(5000, [face(400, 400)]), [true]);
});

test('two faces of one frame deciding at the same time never get the same person', async () => {
  const decider = new RecordingDecider();
  // Names everyone S-000001 unless told that person is taken, like a gallery with one close match.
  decider.answer = (s) =>
    s.concurrentPersonIds.includes('S-000001')
      ? { personId: null, kind: 'unknown', name: null, score: 0, distance: 0.6, runnerUp: null, reason: 'uncertain' }
      : { personId: 'S-000001', kind: 'staff', name: 'Ann', score: 0.9, distance: 0.3, runnerUp: null, reason: 'matched' };
  const events: TrackEvent[] = [];
  const tr = new FaceTracker('cam', {}, decider, (e) => events.push(e));
  tr.update(0, [face(100, 100, { emb: 0.1 }), face(400, 100, { emb: 0.1 })]);
  tr.update(100, [face(100, 100, { emb: 0.1 }), face(400, 100, { emb: 0.1 })]); // both ask now, concurrently
  await tr.idle();
  const decided = events.filter((e) => e.type === 'decision' && e.state === 'decided');
  assert.equal(decided.length, 1);
  await tr.flush(200);
});

test('ByteTrack-style continuation: a weak box continues a live track in place, never starts one', () => {
  const events: TrackEvent[] = [];
  const tr = new FaceTracker('cam', { startScore: 0.8 }, null, (e) => events.push(e));
  const weak = (x: number, y: number) => ({ ...face(x, y), score: 0.6 });
  const first = tr.update(0, [face(100, 50)])[0];
  assert.ok(first);
  // The face turns: the detector now scores it 0.6, in place. It is kept (and continues the same track) …
  assert.deepEqual(tr.keepDetections(100, [weak(105, 50), weak(400, 50)]), [true, false]);
  assert.deepEqual(tr.update(100, [weak(105, 50)]), [first]);
  // … while a weak box where no track is never becomes a person, even when handed to update.
  assert.deepEqual(tr.update(200, [weak(110, 50), weak(400, 50)]), [first, null]);
  assert.equal(events.filter((e) => e.type === 'started').length, 1);
  // A confident face elsewhere still starts its own track; the weak box stays with the old one.
  const [a, b] = tr.update(300, [weak(112, 50), face(400, 50)]);
  assert.equal(a, first);
  assert.ok(b && b !== first);
});

test('demographics are decided over the track: faces vote with their confidence, disagreement is unknown', () => {
  const v = (value: 'male' | 'female', confidence: number) => ({ value, confidence });
  assert.deepEqual(trackGender([]), { gender: null, genderConfidence: null });
  // share 1.7/2.25 = 0.76 < 0.8: the faces disagree; confidence = share × mean winning confidence 0.85
  assert.deepEqual(trackGender([v('female', 0.9), v('female', 0.8), v('male', 0.55)]), { gender: null, genderConfidence: 0.64 });
  // share 2.4/2.9 = 0.83: female, confidence 0.83 × 0.8
  assert.deepEqual(trackGender([v('female', 0.9), v('female', 0.8), v('female', 0.7), v('male', 0.5)]), { gender: 'female', genderConfidence: 0.66 });
  assert.deepEqual(trackGender([v('male', 0.99)]), { gender: 'male', genderConfidence: 0.99 });
});
