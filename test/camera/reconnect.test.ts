import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { EventBus } from '../../device/src/events.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { CameraSupervisor } from '../../device/src/camera/supervisor.js';
import { startRtspCamera } from '../../scripts/rtsp-test-camera.js';
import { sleep, waitFor } from './wait.js';

test('reconnect: RTSP camera down for 10 s then back → frames resume, stats show the reconnect', async () => {
  const facts = await detectPlatformFacts();
  const cam = await startRtspCamera();
  const bus = new EventBus();
  const states: string[] = [];
  bus.on('cameraStatus', (s) => {
    if (states.at(-1) !== s.state) states.push(s.state);
  });
  const sup = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'door', name: 'door', url: cam.url, analysisFps: 5, analysisWidth: 320 }),
    facts,
    bus,
    // Short cap so the test does not sit in a long backoff after the camera returns.
    backoff: { baseMs: 500, maxMs: 2_000, factor: 2 },
    stallMs: 3_000,
  });
  let frames = 0;
  sup.onFrame(() => frames++);
  try {
    await sup.start();
    await waitFor('frames before the outage', () => frames >= 10, 30_000);

    await cam.stop();
    await waitFor('the outage to be noticed', () => sup.stats().state === 'reconnecting', 15_000);
    const during = sup.stats();
    assert.ok(during.lastError, 'a reason is given while the camera is away');
    await sleep(10_000);
    assert.equal(sup.stats().state === 'running', false, 'not running while the camera is down');
    const framesWhileDown = frames;

    await cam.restart();
    await waitFor('frames after the camera came back', () => frames >= framesWhileDown + 10, 30_000);
    const s = sup.stats();
    assert.equal(s.state, 'running');
    assert.ok(s.reconnects >= 1, `reconnects counted (${s.reconnects})`);
    assert.ok(s.lastFrameAgeMs !== null && s.lastFrameAgeMs < 3_000);
    assert.deepEqual(states.slice(0, 3), ['starting', 'running', 'reconnecting']);
    assert.equal(states.at(-1), 'running');
  } finally {
    await sup.stop();
    await cam.stop();
  }
});
