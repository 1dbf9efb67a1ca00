import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Settings, defaultSettings, sectionChanged } from '../../device/src/contracts/settings.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';

test('default settings are complete and valid', () => {
  const s = defaultSettings();
  assert.equal(s.visitGapMinutes, 30);
  assert.equal(s.recognition.detectionThreshold, 0.8);
  assert.equal(s.mqtt.baseTopic, 'cva');
  assert.deepEqual(s.cameras, []);
});

test('settings reject wrong types with a path in the error', () => {
  const r = Settings.safeParse({ visitGapMinutes: 'thirty' });
  assert.equal(r.success, false);
  assert.deepEqual(r.error?.issues[0]?.path, ['visitGapMinutes']);
});

test('camera URLs must use a supported scheme', () => {
  assert.equal(CameraConfig.safeParse({ id: 'door', name: 'Door', url: 'ftp://x' }).success, false);
  assert.equal(CameraConfig.safeParse({ id: 'door', name: 'Door', url: 'rtsp://10.0.0.2/stream' }).success, true);
  assert.equal(CameraConfig.safeParse({ id: 'usb', name: 'USB', url: '/dev/video0' }).success, true);
});

test('sectionChanged compares sections by value (settings documents are fresh objects after every change)', () => {
  const a = defaultSettings();
  const b = Settings.parse(JSON.parse(JSON.stringify(a)));
  assert.equal(sectionChanged(a, b, 'cameras', 'recognition', 'site'), false);
  const c = { ...b, recognition: { ...b.recognition, minFaceSize: 60 } };
  assert.equal(sectionChanged(a, c, 'recognition'), true);
  assert.equal(sectionChanged(a, c, 'cameras', 'site'), false);
});
