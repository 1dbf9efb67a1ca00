/**
 * Faces and persons together on hamilton.mp4 (people whose faces are seen; Lin-Manuel Miranda enrolled as staff):
 * faces are bound to the person holding them, so counted people gain the identity of their face — the capture
 * rate is above zero — while every person is counted whether or not a face was decided. A counted person with a
 * face joins that face's visit: the visits are the faces-only run's, plus one per counted person no face covered.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { loadModels, type ModelSet } from '../../device/src/vision/model-registry.js';
import { PersonDetector } from '../../device/src/people/person-detector.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { replayClip, type OneByOneReplay } from '../../scripts/bench/people-replay.js';
import { videoFrames } from '../../scripts/bench/video-frames.js';

const HAMILTON = join(facesDataDir(), 'video', 'hamilton.mp4');
const FPS = 29.97;

async function* everyThird() {
  let index = 0;
  for await (const frame of videoFrames(HAMILTON, 640, 360)) {
    if (index % 3 === 0) yield { frame, index, seconds: index / FPS };
    index++;
  }
}

let engine: FaceEngine;
let models: ModelSet;
let replay: OneByOneReplay;
let facesOnly: OneByOneReplay;

before(async () => {
  engine = await FaceEngine.create();
  models = await loadModels({ ids: ['movenet-multipose'] });
  const whole = { id: 'stage', name: 'Stage', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }] };
  const detector = new PersonDetector(models.get('movenet-multipose').session);
  const stage = { id: 'stage', name: 'Stage', url: `file://${HAMILTON}`, zones: [whole] };
  replay = await replayClip(engine, detector, [{ ...stage, analyse: 'both' }], everyThird(), FPS);
  facesOnly = await replayClip(engine, detector, [{ ...stage, analyse: 'faces' }], everyThird(), FPS);
}, { timeout: 600_000 });
after(async () => {
  await models?.release();
  await engine?.release();
});

test('people on stage are counted, and those whose face was identified are captured', (t) => {
  t.diagnostic(`entries ${replay.counts.entriesToday}, captured ${replay.counts.capturedToday}, person tracks ${replay.people.map((p) => p.tracksStarted)}`);
  const ins = replay.events.filter((e) => e.direction === 'in');
  assert.ok(ins.length >= 1, 'people were counted in');
  assert.equal(replay.counts.entriesToday, ins.length);
  assert.ok(replay.counts.capturedToday >= 1, `captured ${replay.counts.capturedToday} of ${replay.counts.entriesToday}`);
  assert.ok(replay.counts.captureRateToday! > 0 && replay.counts.captureRateToday! <= 1);
  const stage = replay.people.find((p) => p.cameraId === 'stage');
  assert.ok(stage && stage.personsSeen > 0);
});

test('visits stay one per person: a counted person with a face adds no visit to the faces-only run', (t) => {
  const faceVisit = (v: { personId: string }) => !v.personId.startsWith('U-p-');
  const describe = (vs: OneByOneReplay['visits']) => vs.filter(faceVisit).map((v) => `${v.kind} ${v.kind === 'unidentified' ? 'U' : v.personId}`).sort();
  const own = replay.visits.filter((v) => !faceVisit(v));
  t.diagnostic(`faces-only visits ${facesOnly.visits.length}; both: ${replay.visits.length} (${own.length} of counted people no face covered); entrants ${replay.counts.entriesToday}; visitors ${JSON.stringify(replay.visitors)}`);
  assert.ok(facesOnly.visits.some((v) => v.kind === 'staff'), 'the staff member on stage has a visit');
  assert.deepEqual(describe(replay.visits), describe(facesOnly.visits), 'the same face visits as with faces only: none doubled');
  assert.ok(replay.visitors.joinedFaceVisit >= 1, 'some counted people joined their face’s visit');
  assert.equal(own.length, replay.visitors.ownVisit);
  assert.ok(own.every((v) => v.kind === 'unidentified'));
  assert.equal(replay.visitors.joinedFaceVisit + replay.visitors.ownVisit, replay.counts.entriesToday, 'every entrant is in exactly one visit');
  assert.equal(replay.visitors.waiting, 0);
});

test('a face visit a counted person joined never arrives later than with faces only', (t) => {
  // Ms into the clip (each replay has its own start), per identified person (unidentified ids differ per run).
  // On this clip the people who join are seen by their faces from their first frame: nothing moves, nothing may
  // move later; one-by-one.mp4 (footfall-pipeline.test.ts) has a body seen before its "face".
  const arrivals = (run: OneByOneReplay) => {
    const by = new Map<string, number[]>();
    for (const v of run.visits.filter((x) => x.kind !== 'unidentified')) {
      by.set(v.personId, [...(by.get(v.personId) ?? []), Date.parse(v.arrivedAt) - run.clipStart].sort((a, b) => a - b));
    }
    return by;
  };
  const both = arrivals(replay);
  const alone = arrivals(facesOnly);
  const earlier: string[] = [];
  for (const [personId, at] of both) {
    const faceOnly = alone.get(personId) ?? [];
    assert.equal(at.length, faceOnly.length, `${personId}: as many visits as with faces only`);
    at.forEach((a, i) => {
      assert.ok(a <= faceOnly[i], `${personId}: arrived ${a - faceOnly[i]} ms after its faces-only visit`);
      if (a < faceOnly[i]) earlier.push(`${personId} ${((faceOnly[i] - a) / 1000).toFixed(1)} s`);
    });
  }
  t.diagnostic(`identified visits arriving earlier with their bodies: ${earlier.join(', ') || 'none'}`);
});
