import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { CameraConfig, type CameraConfigInput } from '../../device/src/contracts/camera.js';
import { detectPlatformFacts, type PlatformFacts } from '../../device/src/camera/platform.js';
import { CameraSupervisor } from '../../device/src/camera/supervisor.js';
import { testConnection } from '../../device/src/camera/test-connection.js';
import { startRtspCamera, type RtspCamera } from '../../scripts/rtsp-test-camera.js';
import { framesFrom as framesWith, waitFor } from './wait.js';

// Real RTSP: scripts/rtsp-camera.py (gst-rtsp-server) serving hamilton.mp4 with Basic auth.
let facts: PlatformFacts;
let cam: RtspCamera;
before(async () => {
  facts = await detectPlatformFacts();
  cam = await startRtspCamera({ user: 'admin', pass: 's3cret' });
});
after(async () => {
  await cam?.stop();
});

const framesFrom = (c: CameraConfig, frames: number) => framesWith(c, facts, frames);

const config = (over: Partial<CameraConfigInput>) =>
  CameraConfig.parse({ id: 'rtsp-1', name: 'door', url: cam.url, analysisFps: 10, analysisWidth: 320, ...over });

/** Runs a supervisor until it has retried twice; returns its stats and checks it never ran. */
async function failureOf(c: CameraConfig) {
  const sup = new CameraSupervisor({ config: c, facts, backoff: { baseMs: 200, maxMs: 500, factor: 2 } });
  let frames = 0;
  sup.onFrame(() => frames++);
  await sup.start();
  try {
    await waitFor('two retries', () => sup.stats().reconnects >= 2, 20_000);
    assert.equal(frames, 0);
    return sup.stats();
  } finally {
    await sup.stop();
  }
}

test('RTSP over TCP with the right password: frames at the analysis size, H.264 software decode', async () => {
  const { stats, size } = await framesFrom(config({ rtspTransport: 'tcp' }), 20);
  assert.equal(size, '320x180');
  assert.equal(stats.state, 'running');
  assert.equal(stats.decoder, 'avdec_h264');
  assert.equal(stats.lastError, null);
});

test('RTSP over UDP', async () => {
  const { stats, size } = await framesFrom(config({ rtspTransport: 'udp', analysisWidth: 640 }), 20);
  assert.equal(size, '640x360');
  assert.equal(stats.state, 'running');
});

test('wrong password: auth error status, keeps retrying, never crashes', async () => {
  const s = await failureOf(config({ url: cam.url.replace('s3cret', 'wrong') }));
  assert.equal(s.state, 'error');
  assert.equal(s.lastError, 'auth failed: wrong user or password (401)');
});

test('no credentials for a camera that needs them', async () => {
  const s = await failureOf(config({ url: cam.plainUrl }));
  assert.match(s.lastError ?? '', /^auth failed: the camera asks for a user and password \(401\)/);
});

test('wrong path: not found (404)', async () => {
  const s = await failureOf(config({ url: cam.url.replace('/stream', '/missing') }));
  assert.equal(s.state, 'reconnecting');
  assert.match(s.lastError ?? '', /^not found: no stream at \/missing on 127\.0\.0\.1:\d+ \(404\)$/);
});

test('closed port on 127.0.0.1: unreachable', async () => {
  // Find a port nobody listens on: bind an ephemeral one, then close it.
  const port = await new Promise<number>((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const p = (srv.address() as { port: number }).port;
      srv.close(() => res(p));
    });
  });
  const s = await failureOf(config({ url: `rtsp://127.0.0.1:${port}/stream` }));
  assert.equal(s.state, 'reconnecting');
  assert.equal(s.lastError, `unreachable: connection refused by 127.0.0.1:${port} (no RTSP server on that port)`);
});

test('garbage URL: bad URL status from testConnection, and the contract refuses it', async () => {
  const r = await testConnection({ id: 'x', name: 'x', url: 'rtsp://exa mple/%%%' }, 3_000, facts);
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.error.kind, 'bad-url');
  assert.equal(CameraConfig.safeParse({ id: 'x', name: 'x', url: 'hello' }).success, false);
});

test('testConnection over RTSP reports codec, decoder and size', async () => {
  const r = await testConnection({ id: 'x', name: 'x', url: cam.url, analysisWidth: 640 }, 20_000, facts);
  assert.equal(r.ok, true);
  if (r.ok) assert.deepEqual([r.width, r.height, r.codec, r.decoder], [640, 360, 'h264', 'avdec_h264']);
});

test('H.265 camera is detected from the SDP and decoded with avdec_h265', async () => {
  const h265 = await startRtspCamera({ codec: 'h265' });
  try {
    const { stats, size } = await framesFrom(config({ url: h265.url }), 10);
    assert.equal(stats.decoder, 'avdec_h265');
    assert.equal(size, '320x180');
  } finally {
    await h265.stop();
  }
});
