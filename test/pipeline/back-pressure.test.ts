import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CameraManager } from '../../device/src/camera/manager.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { HAMILTON } from './hamilton-scenario.js';
import { openRig, type ApplianceRig } from './rig.js';

let engine: FaceEngine;
let rig: ApplianceRig;
before(async () => {
  engine = await FaceEngine.create();
  rig = await openRig(engine);
});
after(async () => {
  await rig.close();
  await engine.release();
});

test('a camera faster than analysis: frames are dropped (latest wins, counted), never queued', { timeout: 60_000 }, async () => {
  // The file read as fast as GStreamer decodes it (not real time): far more frames per second than analysis takes.
  const manager = new CameraManager({ facts: await detectPlatformFacts(), supervisor: { realtime: false } });
  rig.pipeline.attach(manager);
  let delivered = 0;
  manager.onFrame(() => {
    delivered++;
  });
  await manager.start();
  await manager.apply([CameraConfig.parse({ id: 'fast', name: 'fast', url: pathToFileURL(HAMILTON).href, analysisFps: 29.97, analysisWidth: 640 })]);
  const deadline = Date.now() + 40_000;
  while (manager.stats()[0]?.state !== 'stopped' || delivered === 0) {
    assert.ok(Date.now() < deadline, `the clip did not end: ${JSON.stringify(manager.stats())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await manager.stop();
  await rig.pipeline.drain();

  const cam = rig.pipeline.stats().cameras.find((c) => c.cameraId === 'fast');
  assert.ok(cam);
  assert.equal(cam.receivedFrames, delivered, 'every delivered frame was offered');
  assert.equal(cam.analysedFrames + cam.droppedFrames + cam.failedFrames, cam.receivedFrames, 'each frame analysed, dropped or failed');
  assert.ok(cam.droppedFrames > 0, 'a busy pipeline drops frames instead of queueing them');
  assert.ok(cam.analysedFrames > 10, `frames analysed: ${cam.analysedFrames}`);
  assert.equal(cam.failedFrames, 0);

  assert.deepEqual(rig.pipeline.cameraIds(), ['fast']);
  for (const f of rig.faceEvents) assert.ok(f.kind === 'staff' || f.name === null, 'only staff are named');

  const stages = rig.pipeline.stats().stageMs;
  for (const s of ['detect', 'track', 'frame'] as const) assert.ok((stages[s] ?? -1) >= 0, `stage ${s} timed`);
});

test('a demand-paced file camera (pullOnRelease): the next frame is decoded only when analysis takes one, none dropped', { timeout: 90_000 }, async () => {
  const manager = new CameraManager({ facts: await detectPlatformFacts(), supervisor: { realtime: false, pullOnRelease: true } });
  rig.pipeline.attach(manager);
  await manager.start();
  await manager.apply([CameraConfig.parse({ id: 'paced', name: 'paced', url: pathToFileURL(HAMILTON).href, analysisFps: 29.97, analysisWidth: 640 })]);
  const deadline = Date.now() + 60_000;
  while (manager.stats()[0]?.state !== 'stopped' || (rig.pipeline.stats().cameras.find((c) => c.cameraId === 'paced')?.analysedFrames ?? 0) === 0) {
    assert.ok(Date.now() < deadline, `the clip did not end: ${JSON.stringify(manager.stats())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const camera = manager.stats()[0];
  await manager.stop();
  await rig.pipeline.drain();

  const cam = rig.pipeline.stats().cameras.find((c) => c.cameraId === 'paced');
  assert.ok(cam);
  assert.equal(cam.droppedFrames, 0, 'no frame waits long enough to be replaced');
  assert.equal(cam.analysedFrames + cam.failedFrames, cam.receivedFrames);
  // Nearly the whole clip (300 frames at 29.97 fps; the rate limiter may skip a few unevenly stamped ones), each
  // delivered frame analysed once: nothing decoded only to be dropped.
  assert.ok(cam.analysedFrames >= 250 && cam.analysedFrames <= 300, `analysed ${cam.analysedFrames} of the clip's 300 frames`);
  assert.equal(camera.droppedFrames, 0, `the camera dropped nothing either: ${JSON.stringify(camera)}`);
});
