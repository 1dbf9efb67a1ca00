/**
 * Faces and persons together on hamilton.mp4 (people whose faces are seen; Lin-Manuel Miranda enrolled as staff):
 * faces are bound to the person holding them, so counted people gain the identity of their face — the capture
 * rate is above zero — while every person is counted whether or not a face was decided.
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

before(async () => {
  engine = await FaceEngine.create();
  models = await loadModels({ ids: ['movenet-multipose'] });
  const whole = { id: 'stage', name: 'Stage', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }] };
  replay = await replayClip(engine, new PersonDetector(models.get('movenet-multipose').session), [
    { id: 'stage', name: 'Stage', url: `file://${HAMILTON}`, analyse: 'both', zones: [whole] },
  ], everyThird(), FPS);
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
