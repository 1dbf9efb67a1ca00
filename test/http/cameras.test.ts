import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { CameraManager } from '../../device/src/camera/manager.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { bindCameraRuntime } from '../../device/src/services/bindings.js';
import { SettingsCameraService } from '../../device/src/services/camera-service.js';
import { boundaryOf, readMjpeg } from '../../device/src/http/live/mjpeg-reader.js';
import { LiveView } from '../../device/src/http/live/live-view.js';
import { startRtspCamera, type RtspCamera } from '../../scripts/rtsp-test-camera.js';
import { Client, setUpAdmin, startHarness, type Harness } from './harness.js';

describe('cameras end to end: settings → camera manager → stats, test connection, live MJPEG (real RTSP camera)', () => {
  let h: Harness;
  let admin: Client;
  let rtsp: RtspCamera;
  let manager: CameraManager;
  let live: LiveView;

  before(async () => {
    rtsp = await startRtspCamera();
    const facts = await detectPlatformFacts();
    h = await startHarness({
      late: async ({ settings, bus }) => {
        manager = new CameraManager({ facts, bus });
        // What the composition root does: every settings change goes to the feature's hook.
        settings.onChange((next, prev) => void manager.onSettingsChanged(next, prev));
        await manager.start();
        live = new LiveView(manager, bus, { maxFps: 10 });
        await live.start();
        return { cameras: new SettingsCameraService(settings, bindCameraRuntime(manager, facts)), live };
      },
    });
    admin = await setUpAdmin(h);
  });
  after(async () => {
    await live.stop();
    await manager.stop();
    await h.close();
    await rtsp.stop();
  });

  it('adds a camera, tests its connection and shows its live stats', async () => {
    const created = await admin.json('POST', '/api/v1/cameras', { id: 'door', name: 'Door', url: rtsp.url, analysisFps: 5, analysisWidth: 640 });
    assert.equal(created.status, 201);
    const test = await admin.json('POST', '/api/v1/cameras/door/test');
    assert.equal(test.status, 200);
    assert.deepEqual([test.body.ok, test.body.width, test.body.height, test.body.codec], [true, 640, 360, 'h264']);
    assert.equal(test.body.error, null);

    let stats = null;
    for (let i = 0; i < 100 && stats?.state !== 'running'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      stats = (await admin.json('GET', '/api/v1/cameras/door')).body.stats;
    }
    assert.equal(stats?.state, 'running', JSON.stringify(stats));
    assert.equal(stats.width, 640);
  });

  it('streams the camera as MJPEG with real decoded frames', async () => {
    const res = await admin.fetch('GET', '/api/v1/live/door/mjpeg');
    assert.equal(res.status, 200);
    const parts = readMjpeg(res.body!, boundaryOf(res.headers.get('content-type'))!);
    let n = 0;
    for await (const jpeg of parts) {
      const meta = await sharp(jpeg).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', 640, 360]);
      if (++n === 2) break;
    }
    const stats = await sharp(Buffer.from(await (await admin.fetch('GET', '/api/v1/live/door/snapshot')).arrayBuffer())).stats();
    assert.ok(stats.channels[0].stdev > 10, 'a real picture, not a flat frame');
  });

  it('a camera that cannot be reached tests as a clear error', async () => {
    const created = await admin.json('POST', '/api/v1/cameras', { id: 'gone', name: 'Gone', url: 'rtsp://127.0.0.1:9/stream', enabled: false });
    assert.equal(created.status, 201);
    const test = await admin.json('POST', '/api/v1/cameras/gone/test');
    assert.equal(test.status, 200);
    assert.equal(test.body.ok, false);
    assert.match(test.body.error, /unreachable|refused|connect/i);
    assert.equal((await admin.json('DELETE', '/api/v1/cameras/gone')).status, 200);
    assert.deepEqual(h.settings.get().cameras.map((c) => c.id), ['door']);
  });
});
