// Defect 14: camera URLs that read the box's own files are refused; file cameras play only from media
// folders; link-local hosts and control characters are refused; the test button probes nothing outside.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CameraManager } from '../../device/src/camera/manager.js';
import { detectPlatformFacts } from '../../device/src/camera/platform.js';
import { cameraUrlIssues, cameraUrlRefusal, type CameraUrlPolicy } from '../../device/src/camera/url-policy.js';
import { bindCameraRuntime } from '../../device/src/services/bindings.js';
import { SettingsCameraService } from '../../device/src/services/camera-service.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { Client, setUpAdmin, startHarness, type Harness } from '../http/harness.js';

describe('camera URL policy', () => {
  const root = mkdtempSync(join(tmpdir(), 'cva-url-policy-'));
  const media = join(root, 'media');
  const data = join(root, 'data');
  const policy: CameraUrlPolicy = { mediaDirs: [media], dataDir: data };
  let h: Harness;
  let admin: Client;
  let manager: CameraManager;

  before(async () => {
    mkdirSync(media, { recursive: true });
    mkdirSync(data, { recursive: true });
    writeFileSync(join(media, 'shop.mp4'), 'not really a video');
    symlinkSync('/etc/passwd', join(media, 'sneaky.mp4'));
    // A camera saved before the policy existed.
    writeFileSync(join(data, 'settings.json'), JSON.stringify({ cameras: [{ id: 'old', name: 'Old', url: 'file:///etc/shadow', enabled: false }] }));
    const facts = await detectPlatformFacts();
    h = await startHarness({
      dir: data,
      settingsCheck: (next, cur) => cameraUrlIssues(next.cameras, cur.cameras, policy),
      late: async ({ bus, settings }) => {
        manager = new CameraManager({ facts, bus });
        await manager.start();
        return { cameras: new SettingsCameraService(settings, bindCameraRuntime(manager, facts), (url) => cameraUrlRefusal(url, policy)) };
      },
    });
    admin = await setUpAdmin(h);
  });
  after(async () => {
    await manager.stop();
    await h.close();
    rmSync(root, { recursive: true, force: true });
  });

  const add = (id: string, url: string) => admin.json('POST', '/api/v1/cameras', { id, name: id, url, enabled: false });

  it("files outside the media folders (the box's own, the data folder, via a symlink) are refused alike", async () => {
    const answers = [];
    for (const [id, url] of [
      ['shadow', 'file:///etc/shadow'],
      ['missing', 'file:///etc/no-such-file'],
      ['state', pathToFileURL(join(data, 'accounts.json')).href],
      ['dots', pathToFileURL(media).href + '/../data/accounts.json'],
      ['link', pathToFileURL(join(media, 'sneaky.mp4')).href],
    ]) {
      const r = await add(id, url);
      assert.equal(r.status, 400, `${id}: ${JSON.stringify(r.body)}`);
      answers.push(JSON.stringify(r.body.error.details));
    }
    assert.equal(new Set(answers).size, 1, 'the same answer whether the file exists or not');
    assert.match(answers[0], /media folder/);
    assert.equal((await add('media', pathToFileURL(join(media, 'shop.mp4')).href)).status, 201);
  });

  it('the settings route applies the same policy', async () => {
    const cams = (await admin.json('GET', '/api/v1/settings')).body.settings.cameras;
    const r = await admin.json('PATCH', '/api/v1/settings', { cameras: [...cams, { id: 'x', name: 'x', url: 'file:///etc/shadow' }] });
    assert.equal(r.status, 400);
    assert.equal(h.settings.get().cameras.some((c) => c.id === 'x'), false);
  });

  it('link-local hosts and control characters are refused', async () => {
    for (const url of ['rtsp://169.254.169.254/latest', 'http://[fe80::1]/mjpeg', 'rtsp://cam.local/s\r\nInjected: 1', 'rtsp://cam/s\u0000', 'gopher://cam/']) {
      const r = await add('bad', url);
      assert.equal(r.status, 400, JSON.stringify(url));
    }
    assert.equal((await add('lan', 'rtsp://192.168.1.20/stream')).status, 201);
  });

  it('the test button does not open a camera saved before the policy', async () => {
    const r = await admin.json('POST', '/api/v1/cameras/old/test');
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(r.body.error.message, /media folder/);
  });

  it('the default media folders include the shared footage (used by --camera and the tests)', () => {
    const clip = pathToFileURL(join(facesDataDir(), 'video', 'hamilton.mp4')).href;
    assert.equal(cameraUrlRefusal(clip, { mediaDirs: [facesDataDir()], dataDir: data }), null);
  });
});
