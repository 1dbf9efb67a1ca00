import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { CameraManager } from '../../device/src/camera/manager.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import type { CameraFrame } from '../../device/src/frame/frame.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { waitFor } from './wait.js';

const clip = pathToFileURL(resolve(facesDataDir(), 'video', 'hamilton.mp4')).href;

test('manager: apply adds, restarts changed, stops removed and disabled cameras; frames carry the camera id', async () => {
  const manager = new CameraManager({ facts: await detectPlatformFacts() });
  const frames: CameraFrame[] = [];
  manager.onFrame((f) => frames.push(f));
  const a = CameraConfig.parse({ id: 'a', name: 'A', url: clip, loop: true, analysisFps: 5, analysisWidth: 160 });
  const missing = CameraConfig.parse({ id: 'b', name: 'B', url: 'file:///nonexistent.mp4' });

  // Before start() the list is only stored.
  assert.deepEqual(await manager.apply([a]), { ok: true, value: undefined });
  assert.deepEqual(manager.stats(), []);
  await manager.start();
  try {
    await waitFor('frames from camera a', () => frames.some((f) => f.cameraId === 'a'), 15_000);
    assert.deepEqual(manager.stats().map((s) => [s.cameraId, s.state]), [['a', 'running']]);

    // A duplicate id refuses the whole list and changes nothing.
    const dup = await manager.apply([a, { ...a, name: 'again' }]);
    assert.deepEqual(dup, { ok: false, error: 'duplicate camera id "a"' });
    assert.deepEqual(manager.stats().map((s) => s.cameraId), ['a']);

    // Change a's width: it restarts and frames come at the new size. Add b (a missing file: status, no crash).
    await manager.apply([{ ...a, analysisWidth: 320 }, missing]);
    await waitFor('frames at the new width', () => frames.at(-1)?.width === 320, 15_000);
    await waitFor('b reports its problem', () => manager.stats().find((s) => s.cameraId === 'b')?.lastError != null, 10_000);
    const b = manager.stats().find((s) => s.cameraId === 'b');
    assert.equal(b?.lastError, 'not found: no such file: /nonexistent.mp4');

    // Disable a, remove b.
    await manager.apply([{ ...a, analysisWidth: 320, enabled: false }]);
    assert.deepEqual(manager.stats(), []);
    const n = frames.length;
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(frames.length <= n + 1, 'no frames after the camera was disabled');
  } finally {
    await manager.stop();
  }
});
