/**
 * Fragment stitching (pipeline/fragment-stitcher.ts) through the real face tracker, sighting relay and visit
 * tracker (a store in a temp dir), with real faces from the shared photos: a never-identified track that starts
 * where another ended, shortly after, joins its visit; a clear gap, a face that looks like someone else, a view
 * change, or two faces at once keep people apart; a later identification of a fragment folds the visit as before,
 * and so does a track identified while it runs (the real identity service, a staff member enrolled from photos).
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import type { Box } from '../../device/src/contracts/live.js';
import { analyzeEnrolPhotos } from '../../device/src/identity/enrolment.js';
import { Identity } from '../../device/src/identity/identity.js';
import { SightingRelay } from '../../device/src/pipeline/sighting-relay.js';
import { defaultStitchOptions } from '../../device/src/pipeline/fragment-stitcher.js';
import { defaultTrackerOptions, FaceTracker } from '../../device/src/tracking/tracker.js';
import type { TrackDecider, TrackedFace, TrackSummary } from '../../device/src/tracking/types.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { createLogger } from '../../device/src/util/log.js';
import type { FaceEngine, FaceAnalysis } from '../../device/src/vision/engine.js';
import { euclidean } from '../../device/src/vision/similarity.js';
import { createEngine, faceOf, photo } from '../identity/face-fixture.js';
import { trackerRig } from '../visits/rig.js';

const FRAME_MS = 100;
/** Empty frames that end a track (one more than the tracker's occlusion budget). */
const BREAK_FRAMES = defaultTrackerOptions.maxMissedFrames + 1;

let engine: FaceEngine;
let obama1: FaceAnalysis;
let obama2: FaceAnalysis;
let biden: FaceAnalysis;
before(async () => {
  engine = await createEngine();
  [obama1, obama2, biden] = [await faceOf(engine, 'obama/1.jpg'), await faceOf(engine, 'obama/2.jpg'), await faceOf(engine, 'biden/1.jpg')];
});
after(() => engine.release());

const at = (box: Box, face: FaceAnalysis, described = true): TrackedFace => {
  const f: TrackedFace = { ...face, box };
  if (!described) delete f.embedding;
  return f;
};
const box = (x: number, y: number): Box => ({ x, y, width: 80, height: 80 });

/**
 * One camera's real tracker feeding a real relay and visit tracker; frames are played by `play`. With `decider`
 * (the real identity service's) its decisions reach the relay as the camera's analysis hands them over.
 */
async function scene(t: TestContext, decider: TrackDecider | null = null) {
  const dir = await mkdtemp(join(tmpdir(), 'cva-stitch-'));
  const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  t.after(async () => {
    await rig.tracker.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const relay = new SightingRelay(rig.tracker, createLogger('test'));
  const ended: TrackSummary<TrackedFace>[] = [];
  const tracker = new FaceTracker<TrackedFace>('door', {}, decider, (e) => {
    if (e.type === 'seen' && e.state === 'decided') relay.seen(e.trackId, e.cameraId, e.at, e.face);
    if (e.type === 'decision') relay.decided(e.decision, e.summary);
    if (e.type === 'decided-after-end') relay.decidedAfterEnd(e.decision, e.summary);
    if (e.type !== 'ended') return;
    ended.push(e.summary);
    relay.ended(e.trackId, e.summary);
  });
  const t0 = clock.now();
  let frame = 0;
  const play = (frames: number, faces: () => TrackedFace[] = () => []) => {
    for (let i = 0; i < frames; i++) tracker.update(t0 + frame++ * FRAME_MS, faces());
  };
  const finish = async () => {
    await tracker.flush(t0 + frame * FRAME_MS);
    await relay.settled();
    return rig.tracker.openVisits().map((v) => ({ personId: v.personId, kind: v.kind, from: (Date.parse(v.arrivedAt) - t0) / 1000, to: (Date.parse(v.lastSeenAt) - t0) / 1000 }));
  };
  return { relay, tracker, ended, play, finish, t0, now: () => t0 + frame * FRAME_MS, rig };
}

test('the photos: two of Obama within the tracker’s appearance distance, Biden beyond it', () => {
  assert.ok(euclidean(obama1.embedding!, obama2.embedding!) <= defaultStitchOptions.maxAppearanceDistance);
  assert.ok(euclidean(obama1.embedding!, biden.embedding!) > defaultStitchOptions.maxAppearanceDistance);
  assert.ok(BREAK_FRAMES * FRAME_MS < defaultStitchOptions.maxGapMs, 'a break of the tracker’s budget is within the stitching gap');
});

test('a face lost for a moment and found again where it was is one visit, not two', async (t) => {
  const s = await scene(t);
  s.play(10, () => [at(box(100, 100), obama1)]);
  s.play(BREAK_FRAMES);
  s.play(10, () => [at(box(120, 95), obama2)]); // moved a quarter of a face, another photo of him
  s.play(BREAK_FRAMES);
  s.play(10, () => [at(box(125, 100), obama1, false)]); // too soft to describe: no evidence either way
  const visits = await s.finish();
  assert.equal(s.ended.length, 3, 'the tracker broke the face into three tracks');
  assert.deepEqual(visits, [{ personId: `U-${s.ended[0].trackId}`, kind: 'unidentified', from: 0, to: (2 * (10 + BREAK_FRAMES) + 9) * FRAME_MS / 1000 }]);
  assert.equal(s.relay.stitched, 2);
});

test('people at the same spot one after the other stay apart: a clear gap, a different face, a view change', async (t) => {
  const s = await scene(t);
  s.play(10, () => [at(box(100, 100), obama1)]);
  s.play(Math.ceil(defaultStitchOptions.maxGapMs / FRAME_MS) + 5); // a clear gap
  s.play(10, () => [at(box(100, 100), obama2)]);
  s.play(BREAK_FRAMES);
  s.play(10, () => [at(box(100, 100), biden)]); // a short gap, but his face is someone else's
  s.play(BREAK_FRAMES);
  s.relay.viewChanged('door', s.now()); // a cut: the next face is on a new view
  s.play(10, () => [at(box(100, 100), biden, false)]);
  const visits = await s.finish();
  assert.deepEqual(visits.map((v) => v.personId), s.ended.map((e) => `U-${e.trackId}`), 'four tracks, four visitors');
  assert.equal(s.relay.stitched, 0);
});

test('two faces at once are two people: both continue the same track in place, only one joins its visit', async (t) => {
  const s = await scene(t);
  s.play(10, () => [at(box(100, 100), obama1, false)]);
  s.play(BREAK_FRAMES);
  // Both within a face width of where the first one was last seen, neither described.
  s.play(10, () => [at(box(60, 100), obama1, false), at(box(150, 100), obama2, false)]);
  const visits = await s.finish();
  assert.equal(s.ended.length, 3);
  assert.equal(s.relay.stitched, 1);
  assert.equal(visits.length, 2, `${JSON.stringify(visits)}`);
  assert.equal(visits[0].personId, `U-${s.ended[0].trackId}`);
});

test('a fragment identified after it ended makes the whole stitched visit the person’s', async (t) => {
  const s = await scene(t);
  s.play(10, () => [at(box(100, 100), obama1)]);
  s.play(BREAK_FRAMES);
  s.play(10, () => [at(box(110, 100), obama2)]);
  await s.finish();
  const [first, second] = s.ended;
  const visit = s.rig.tracker.openVisits();
  assert.deepEqual(visit.map((v) => v.personId), [`U-${first.trackId}`]);
  const decision = { personId: 'C-000001', kind: 'customer' as const, name: null, score: 0.7, distance: 0.4, runnerUp: null, reason: 'new-customer' as const };
  s.relay.decidedAfterEnd(decision, second);
  await s.relay.settled();
  const folded = s.rig.tracker.openVisits();
  assert.deepEqual(folded.map((v) => [v.id, v.personId, v.kind]), [[visit[0].id, 'C-000001', 'customer']], 'one visit, now the customer’s');
  // A fragment after the fold continues the customer's visit.
  s.play(BREAK_FRAMES);
  s.play(10, () => [at(box(110, 100), obama1, false)]);
  await s.finish();
  assert.deepEqual(s.rig.tracker.openVisits().map((v) => [v.id, v.personId]), [[visit[0].id, 'C-000001']]);
  assert.equal(s.rig.tracker.counts().visitsToday, 1);
});

test('a fragment identified while it runs takes over the unidentified visit of the fragments before it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-stitch-id-'));
  const identity = new Identity({ dir });
  await identity.start();
  t.after(async () => {
    await identity.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const staff = await identity.people.createStaff('Obama');
  assert.ok(staff.ok);
  const photos = await analyzeEnrolPhotos(engine, ['3.jpg', '7.jpg'].map((n) => ({ source: n, data: photo(`obama/${n}`) })));
  const enrolled = await identity.people.enrolStaff(staff.value.id, photos);
  assert.ok(enrolled.ok && enrolled.value.accepted === 2, JSON.stringify(enrolled));

  const s = await scene(t, identity.decider);
  s.play(10, () => [at(box(100, 100), obama1, false)]); // too soft to describe: an unidentified fragment
  s.play(BREAK_FRAMES);
  await s.tracker.idle();
  await s.relay.settled();
  assert.equal(s.ended.length, 1);
  const before = s.rig.tracker.openVisits();
  assert.deepEqual(before.map((v) => [v.personId, v.kind]), [[`U-${s.ended[0].trackId}`, 'unidentified']]);
  // The face is sharp again where it was: its track is named while it runs.
  s.play(10, () => [at(box(110, 100), obama2)]);
  await s.tracker.idle();
  await s.relay.settled();
  assert.equal(s.ended.length, 1, 'the second track still runs');
  assert.deepEqual(s.rig.tracker.openVisits().map((v) => [v.id, v.personId, v.kind]), [[before[0].id, staff.value.id, 'staff']], 'the fragments’ visit is now the staff member’s');
  s.play(10, () => [at(box(112, 100), obama1)]);
  const visits = await s.finish();
  assert.equal(s.ended.length, 2);
  assert.deepEqual(visits, [{ personId: staff.value.id, kind: 'staff', from: 0, to: (10 + BREAK_FRAMES + 19) * FRAME_MS / 1000 }], 'one visit, from the first fragment');
  assert.equal(s.rig.tracker.counts().visitsToday, 1);
  assert.equal(s.relay.stitched, 0, 'the identified track was never an unidentified fragment');
});
