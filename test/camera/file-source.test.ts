import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CameraConfig, CameraStats } from '../../device/src/contracts/camera.js';
import { EventBus } from '../../device/src/events.js';
import { detectPlatformFacts, type PlatformFacts } from '../../device/src/camera/platform.js';
import { CameraSupervisor } from '../../device/src/camera/supervisor.js';
import { testConnection } from '../../device/src/camera/test-connection.js';
import type { CameraFrame } from '../../device/src/frame/frame.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { waitFor, sleep } from './wait.js';

// Real GStreamer on the real 10 s, 640x360, 29.97 fps H.264 clip. One pipeline at a time: each holds two
// libuv threads and an ES-module test process has the default four.
const clip = pathToFileURL(resolve(facesDataDir(), 'video', 'hamilton.mp4')).href;
let facts: PlatformFacts;
before(async () => {
  facts = await detectPlatformFacts();
});

test('file source: RGB frames of the asked size at about the asked fps, software decoder reported', async () => {
  const bus = new EventBus();
  const statuses: string[] = [];
  bus.on('cameraStatus', (s) => statuses.push(s.state));
  const sup = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'file-1', name: 'clip', url: clip, analysisFps: 10, analysisWidth: 320 }),
    facts,
    bus,
  });
  const frames: CameraFrame[] = [];
  sup.onFrame((f) => frames.push(f));
  await sup.start();
  await waitFor('first frame', () => frames.length > 0, 15_000);
  const t0 = Date.now();
  const n0 = frames.length;
  await sleep(3_000);
  const elapsed = (Date.now() - t0) / 1000;
  const stats = sup.stats();
  await sup.stop();

  const fps = (frames.length - n0) / elapsed;
  assert.ok(fps > 5 && fps < 15, `about 10 fps, got ${fps.toFixed(1)}`);
  const f = frames[frames.length - 1];
  assert.equal(f.width, 320);
  assert.equal(f.height, 180, 'height follows the 16:9 aspect ratio');
  assert.ok(f.stride >= f.width * 3);
  assert.equal(f.data.length, f.stride * f.height);
  assert.equal(f.cameraId, 'file-1');
  assert.deepEqual(frames.map((x) => x.seq).slice(0, 5), [0, 1, 2, 3, 4]);
  // Real picture content: pixel values spread out, not a constant fill.
  const values = new Set<number>();
  for (let i = 0; i < f.data.length; i += 97) values.add(f.data[i]);
  assert.ok(values.size > 50, `varied pixels (${values.size} distinct)`);

  CameraStats.parse(stats);
  assert.equal(stats.state, 'running');
  assert.equal(stats.decoder, 'avdec_h264');
  assert.equal(stats.reconnects, 0);
  assert.ok(stats.inputFps > 20, `decoded ~30 fps before the rate limit, got ${stats.inputFps}`);
  assert.ok(stats.analysedFps > 5 && stats.analysedFps < 15, `analysed ~10 fps, got ${stats.analysedFps}`);
  assert.ok(stats.lastFrameAgeMs !== null && stats.lastFrameAgeMs < 2_000);
  assert.deepEqual(statuses.slice(0, 2), ['starting', 'running']);
  assert.equal(statuses.at(-1), 'stopped');
});

test('file loop: playback starts again at the end; without loop the camera stops with "stream ended"', async () => {
  // As fast as possible (realtime=false) so the 10 s clip ends quickly: 10 s at 5 fps = ~50 frames per pass.
  const looping = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'loop', name: 'loop', url: clip, analysisFps: 5, analysisWidth: 160, loop: true }),
    facts,
    realtime: false,
  });
  const pts: (number | null)[] = [];
  looping.onFrame((f) => pts.push(f.ptsMs));
  await looping.start();
  await waitFor('more than two passes of the clip', () => pts.length > 120, 60_000);
  await looping.stop();
  const rewinds = pts.filter((p, i) => i > 0 && p !== null && pts[i - 1] !== null && p < (pts[i - 1] as number) - 5_000).length;
  assert.ok(rewinds >= 2, `position jumped back to the start at least twice (saw ${rewinds})`);
  assert.equal(looping.stats().reconnects, 0, 'looping is not a reconnect');

  const once = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'once', name: 'once', url: clip, analysisFps: 5, analysisWidth: 160 }),
    facts,
    realtime: false,
  });
  let count = 0;
  once.onFrame(() => count++);
  await once.start();
  await waitFor('end of the clip', () => once.stats().state === 'stopped', 60_000);
  assert.ok(count >= 45 && count <= 55, `one pass of 10 s at 5 fps (got ${count})`);
  assert.equal(once.stats().lastError, 'stream ended: end of stream');
  await once.stop();
});

test('missing file: clear not-found status, retries, no crash', async () => {
  const sup = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'missing', name: 'missing', url: 'file:///nonexistent/clip.mp4' }),
    facts,
    backoff: { baseMs: 200, maxMs: 400, factor: 2 },
  });
  await sup.start();
  await waitFor('two retries', () => sup.stats().reconnects >= 2, 10_000);
  const s = sup.stats();
  await sup.stop();
  assert.equal(s.state, 'reconnecting');
  assert.equal(s.lastError, 'not found: no such file: /nonexistent/clip.mp4');
  assert.equal(s.lastFrameAgeMs, null);
});

test('testConnection on a file reports size, codec and decoder; a bad URL is a clear error', async () => {
  const r = await testConnection({ id: 't', name: 't', url: clip, analysisWidth: 640 }, 10_000, facts);
  assert.deepEqual({ ...r, firstFrameMs: 0 }, { ok: true, width: 640, height: 360, codec: 'h264', decoder: 'avdec_h264', firstFrameMs: 0 });
  const bad = await testConnection({ id: 't', name: 't', url: 'garbage' }, 5_000, facts);
  assert.equal(bad.ok, false);
  if (!bad.ok) assert.match(bad.error.message, /^bad URL: camera URL must be rtsp/);
  const notVideo = await testConnection({ id: 't', name: 't', url: pathToFileURL(resolve(facesDataDir(), 'README.md')).href }, 5_000, facts);
  assert.equal(notVideo.ok, false);
  if (!notVideo.ok) assert.equal(notVideo.error.kind, 'unsupported-codec');
});

test('decoder fallback: a forced decoder that cannot take the stream falls back to software, stats say so', async () => {
  // avdec_h265 exists here but cannot decode the H.264 clip, exactly like a broken hardware decoder.
  const sup = new CameraSupervisor({
    config: CameraConfig.parse({ id: 'fallback', name: 'fb', url: clip, analysisWidth: 160, decoder: 'avdec_h265', loop: true }),
    facts,
  });
  let n = 0;
  sup.onFrame(() => n++);
  await sup.start();
  try {
    await waitFor('frames from the fallback decoder', () => n >= 5, 15_000);
    const s = sup.stats();
    assert.equal(s.decoder, 'avdec_h264');
    assert.equal(s.state, 'running');
    assert.match(s.lastError ?? '', /^decoder failed: cannot build the GStreamer pipeline: could not link h264parse\d+ to dec$/);
    assert.equal(s.reconnects, 0, 'a decoder fallback is not a reconnect');
  } finally {
    await sup.stop();
  }
});
