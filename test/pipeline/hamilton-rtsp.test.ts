import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startRtspCamera, type RtspCamera } from '../../scripts/rtsp-test-camera.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { assertHamiltonOutcome, runHamiltonScenario } from './hamilton-scenario.js';

/** The test camera loops the 10 s clip live; a play is this much streamed video: the whole clip at least once. */
const PLAY_MS = 11_000;

let engine: FaceEngine;
let camera: RtspCamera | null = null;
before(async () => {
  engine = await FaceEngine.create();
});
after(async () => {
  await camera?.stop();
  await engine.release();
});

test('hamilton.mp4 through the RTSP test camera: staff visit for Lin, Obama an anonymous customer who returns after the gap', { timeout: 150_000 }, async () => {
  const outcome = await runHamiltonScenario(engine, {
    camera: { id: 'door', name: 'Door (RTSP)', url: 'rtsp://127.0.0.1:1/stream', analysisFps: 10, analysisWidth: 640, rtspTransport: 'tcp' },
    done: (_stats, frames) => frames.firstAt !== null && frames.lastAt! - frames.firstAt >= PLAY_MS,
    timeoutMs: 45_000,
    // Each play starts a fresh camera, so the live stream begins near the start of the clip.
    beforePlay: async () => {
      if (camera) await camera.restart();
      else camera = await startRtspCamera();
    },
    cameraUrl: () => camera!.url,
  });
  assert.ok(outcome.framesAnalysed >= 150, `frames analysed over two plays: ${outcome.framesAnalysed}`);
  assert.ok(outcome.cameraStats.every((s) => s.decoder !== null), 'the camera reports its decoder');
  assertHamiltonOutcome(outcome);
});
