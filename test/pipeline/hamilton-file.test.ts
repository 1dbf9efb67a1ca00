import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { assertHamiltonOutcome, HAMILTON, runHamiltonScenario } from './hamilton-scenario.js';

let engine: FaceEngine;
before(async () => {
  engine = await FaceEngine.create();
});
after(async () => {
  await engine.release();
});

test('hamilton.mp4 as a file camera: staff visit for Lin, Obama an anonymous customer who returns after the gap', { timeout: 120_000 }, async () => {
  const outcome = await runHamiltonScenario(engine, {
    camera: { id: 'stage', name: 'Stage (file)', url: pathToFileURL(HAMILTON).href, loop: false, analysisFps: 10, analysisWidth: 640 },
    // A file camera played once stops by itself at the end of the clip.
    done: (stats, frames) => frames.count > 0 && stats?.state === 'stopped',
    timeoutMs: 60_000,
  });
  // 10 s at 10 fps: the camera delivers ~100 frames per play and the pipeline keeps up with all of them.
  assert.ok(outcome.framesAnalysed >= 150, `frames analysed over two plays: ${outcome.framesAnalysed}`);
  assertHamiltonOutcome(outcome);
});
