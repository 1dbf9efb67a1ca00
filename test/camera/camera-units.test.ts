import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Backoff } from '../../device/src/util/backoff.js';
import { classifyBusError } from '../../device/src/camera/gst-frame-source.js';
import { buildPipelineDescription, fpsFraction } from '../../device/src/camera/pipeline-description.js';
import { authorizationFor, codecFromSdp } from '../../device/src/camera/rtsp-probe.js';
import { parseSourceSpec, redactUrl } from '../../device/src/camera/source-spec.js';
import { threadpoolSizeFor, cameraCapacity } from '../../device/src/camera/threadpool.js';
import { RateMeter } from '../../device/src/camera/rate-meter.js';

const cfg = (url: string) => ({ url, rtspTransport: 'tcp' as const, loop: false });

test('camera URLs become source specs; bad ones a clear bad-url failure', () => {
  assert.deepEqual(parseSourceSpec(cfg('rtsp://u:p@10.0.0.5:554/h264')), {
    ok: true,
    value: { kind: 'rtsp', url: 'rtsp://u:p@10.0.0.5:554/h264', transport: 'tcp', secure: false },
  });
  assert.deepEqual(parseSourceSpec(cfg('/dev/video2')), { ok: true, value: { kind: 'usb', device: '/dev/video2' } });
  assert.deepEqual(parseSourceSpec({ ...cfg('file:///tmp/a%20b.mp4'), loop: true }), {
    ok: true,
    value: { kind: 'file', path: '/tmp/a b.mp4', loop: true },
  });
  assert.equal(parseSourceSpec(cfg('http://cam/video.mjpg')).ok, true);
  for (const bad of ['rtsp://', 'not a url', 'ftp://x/y', 'file://otherhost/x.mp4']) {
    const r = parseSourceSpec(cfg(bad));
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.error.kind, 'bad-url', bad);
  }
});

test('credentials never appear in redacted URLs, in either URL form', () => {
  // user:password@host and user@host (a token as the user name): the whole user-info goes.
  assert.equal(redactUrl('rtsp://admin:s3cret@cam/x'), 'rtsp://***@cam/x');
  assert.equal(redactUrl('http://t0ken@10.0.0.20:8080/video.mjpg'), 'http://***@10.0.0.20:8080/video.mjpg');
  // Unencoded @, : or / inside the password cannot leak a part of it.
  assert.equal(redactUrl('rtsp://admin:p@ss:w/rd@cam:554/Streaming/101'), 'rtsp://***@cam:554/Streaming/101');
  // Nothing to hide: unchanged, including an @ in the query and non-URL sources.
  assert.equal(redactUrl('rtsp://cam/x'), 'rtsp://cam/x');
  assert.equal(redactUrl('http://cam/snap?owner=a@b'), 'http://cam/snap?owner=a@b');
  assert.equal(redactUrl('/dev/video0'), '/dev/video0');
  for (const secret of ['s3cret', 't0ken', 'p@ss:w/rd'])
    for (const u of ['rtsp://admin:s3cret@cam/x', 'http://t0ken@10.0.0.20:8080/video.mjpg', 'rtsp://admin:p@ss:w/rd@cam:554/x'])
      assert.ok(!redactUrl(u).includes(secret), `${secret} hidden in ${u}`);
});

test('fps become exact GStreamer fractions', () => {
  assert.equal(fpsFraction(10), '10/1');
  assert.equal(fpsFraction(0.2), '1/5');
  assert.equal(fpsFraction(7.5), '15/2');
});

test('pipeline: rate limit before scaling, RGB caps at the asked width, newest-frame appsink', () => {
  const d = buildPipelineDescription(
    { kind: 'rtsp', url: 'rtsp://a:b@cam/x', transport: 'udp', secure: false },
    'h265',
    { element: 'avdec_h265', chain: 'avdec_h265 name=dec', hardware: false, reason: '' },
    { width: 640, fps: 5, realtime: true },
  );
  assert.match(d, /rtspsrc location="rtsp:\/\/a:b@cam\/x" protocols=udp/);
  assert.match(d, /rtph265depay ! h265parse ! avdec_h265 name=dec ! capssetter caps="video\/x-raw,framerate=30\/1" ! videorate/);
  assert.ok(d.indexOf('videorate') < d.indexOf('videoscale'));
  assert.match(d, /video\/x-raw,format=RGB,width=640,pixel-aspect-ratio=1\/1 ! appsink name=sink max-buffers=1 drop=true sync=false$/);
  const f = buildPipelineDescription(
    { kind: 'file', path: '/tmp/say "hi".mp4', loop: false },
    'h264',
    { element: 'avdec_h264', chain: 'avdec_h264 name=dec', hardware: false, reason: '' },
    { width: 320, height: 180, fps: 10, realtime: true },
  );
  assert.match(f, /filesrc location="\/tmp\/say \\"hi\\".mp4"/);
  assert.match(f, /width=320,height=180/);
  assert.match(f, /sync=true$/, 'files play in real time like a camera');
});

test('SDP codec detection', () => {
  const sdp = (enc: string) => `v=0\r\nm=audio 0 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\nm=video 0 RTP/AVP 96\r\na=rtpmap:96 ${enc}/90000\r\n`;
  assert.deepEqual(codecFromSdp(sdp('H264')), { ok: true, value: { codec: 'h264', encoding: 'H264' } });
  assert.deepEqual(codecFromSdp(sdp('H265')), { ok: true, value: { codec: 'h265', encoding: 'H265' } });
  const mp4v = codecFromSdp(sdp('MP4V-ES'));
  assert.equal(mp4v.ok, false);
  if (!mp4v.ok) assert.equal(mp4v.error.kind, 'unsupported-codec');
  const audio = codecFromSdp('v=0\r\nm=audio 0 RTP/AVP 0\r\n');
  assert.equal(audio.ok ? '' : audio.error.message, 'unsupported codec: the stream has no video');
});

test('RTSP auth headers: Basic and Digest (RFC 2617 without qop)', () => {
  assert.equal(authorizationFor('Basic realm="cam"', 'admin', 'pw', 'DESCRIBE', 'rtsp://c/x'), 'Basic YWRtaW46cHc=');
  const h = authorizationFor('Digest realm="IP Camera", nonce="abc123"', 'admin', 'pw', 'DESCRIBE', 'rtsp://c/x');
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const expected = md5(`${md5('admin:IP Camera:pw')}:abc123:${md5('DESCRIBE:rtsp://c/x')}`);
  assert.match(h, new RegExp(`response="${expected}"`));
  assert.match(h, /^Digest username="admin", realm="IP Camera", nonce="abc123", uri="rtsp:\/\/c\/x"/);
});

test('bus errors are classified', () => {
  assert.equal(classifyBusError('Resource not found.', 'filesrc0').kind, 'not-found');
  assert.equal(classifyBusError('Could not open resource for reading and writing.', 'rtspsrc0').kind, 'unreachable');
  assert.equal(classifyBusError('Internal data stream error.', 'dec').kind, 'decoder-failed');
  assert.equal(classifyBusError('Internal data stream error.', 'rtph264depay0').kind, 'stream-error');
});

test('backoff doubles up to the cap and resets', () => {
  const b = new Backoff({ baseMs: 500, maxMs: 3_000, factor: 2 });
  assert.deepEqual([b.next(), b.next(), b.next(), b.next(), b.next()], [500, 1000, 2000, 3000, 3000]);
  b.reset();
  assert.equal(b.next(), 500);
});

test('rate meter measures a counter over its window', () => {
  const r = new RateMeter(5_000);
  assert.equal(r.perSecond(), 0);
  for (let s = 0; s <= 10; s++) r.sample(s * 10, s * 1000);
  assert.equal(r.perSecond(), 10);
});

test('threadpool sized from the camera count', () => {
  assert.equal(threadpoolSizeFor(0), 6);
  assert.equal(threadpoolSizeFor(4), 14);
  assert.equal(cameraCapacity({ UV_THREADPOOL_SIZE: '14' }), 4);
  assert.equal(cameraCapacity({}), -1);
});
