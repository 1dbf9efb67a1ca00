import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import { detectPlatformFacts, type PlatformFacts } from '../../device/src/camera/platform.js';
import { testConnection } from '../../device/src/camera/test-connection.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { framesFrom } from './wait.js';

// An HTTP MJPEG camera like cheap IP cameras serve: multipart/x-mixed-replace with one JPEG per part,
// here the real scene photos (640x360) cycled at ~15 fps. Basic auth admin:pw on /video.mjpg.
let facts: PlatformFacts;
let server: Server;
let base = '';
const streams = new Set<ServerResponse>();

before(async () => {
  facts = await detectPlatformFacts();
  const dir = resolve(facesDataDir(), 'scenes');
  const names = (await readdir(dir)).filter((n) => n.endsWith('.jpg')).sort();
  const jpegs = await Promise.all(names.map((n) => sharp(resolve(dir, n)).resize(640, 360, { fit: 'cover' }).jpeg().toBuffer()));
  const boundary = 'cvaframe';
  server = createServer((req, res) => {
    if (req.url === '/snapshot.jpg') return void res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(jpegs[0]);
    if (req.url !== '/video.mjpg') return void res.writeHead(404).end('no such stream');
    if (req.headers.authorization !== `Basic ${Buffer.from('admin:pw').toString('base64')}`)
      return void res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="cam"' }).end();
    res.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace; boundary=${boundary}` });
    streams.add(res);
    let i = 0;
    const timer = setInterval(() => {
      const jpg = jpegs[i++ % jpegs.length];
      res.write(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpg.length}\r\n\r\n`);
      res.write(jpg);
      res.write('\r\n');
    }, 66);
    res.on('close', () => {
      clearInterval(timer);
      streams.delete(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

after(async () => {
  for (const s of streams) s.destroy();
  // libsoup keeps idle keep-alive connections in its session; close them or close() waits forever.
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

test('HTTP MJPEG camera: frames decoded with jpegdec at the analysis size', async () => {
  const { stats, size } = await framesFrom(
    CameraConfig.parse({ id: 'mjpeg', name: 'mjpeg', url: `http://admin:pw@${base.slice(7)}/video.mjpg`, analysisFps: 10, analysisWidth: 320 }),
    facts,
    10,
  );
  assert.equal(size, '320x180');
  assert.equal(stats.decoder, 'jpegdec');
});

test('HTTP MJPEG: wrong password, wrong path and not-MJPEG give clear errors', async () => {
  const wrong = await testConnection({ id: 'm', name: 'm', url: `http://admin:nope@${base.slice(7)}/video.mjpg` }, 5_000, facts);
  assert.deepEqual(wrong, { ok: false, error: { kind: 'auth-failed', message: 'auth failed: wrong user or password (401)' } });
  const missing = await testConnection({ id: 'm', name: 'm', url: `${base}/other.mjpg` }, 5_000, facts);
  assert.deepEqual(missing, { ok: false, error: { kind: 'not-found', message: 'not found: no stream at /other.mjpg (404)' } });
  const still = await testConnection({ id: 'm', name: 'm', url: `${base}/snapshot.jpg` }, 5_000, facts);
  assert.deepEqual(still, {
    ok: false,
    error: { kind: 'unsupported-codec', message: 'unsupported codec: content type "image/jpeg" is not an MJPEG stream (multipart/x-mixed-replace)' },
  });
});
