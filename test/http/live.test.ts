import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { boundaryOf, readMjpeg } from '../../device/src/http/live/mjpeg-reader.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import type { CameraFrame } from '../../device/src/frame/frame.js';
import type { FaceEvent } from '../../device/src/contracts/live.js';
import { Client, setUpAdmin, startHarness, userClient, type Harness } from './harness.js';

/** A real scene photo as the camera pipeline would deliver it (packed RGB). */
async function sceneFrame(name: string, seq: number): Promise<CameraFrame> {
  const { data, info } = await sharp(join(facesDataDir(), 'scenes', name)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { cameraId: 'door', data, width: info.width, height: info.height, stride: info.width * 3, seq, capturedAt: Date.now(), ptsMs: null };
}

async function readEvents(res: Response, want: number): Promise<{ event: string; data: any }[]> {
  const out: { event: string; data: any }[] = [];
  const reader = res.body!.getReader();
  let text = '';
  while (out.length < want) {
    const { value, done } = await reader.read();
    if (done) break;
    text += Buffer.from(value).toString('utf8');
    let i: number;
    while ((i = text.indexOf('\n\n')) >= 0) {
      const block = text.slice(0, i);
      text = text.slice(i + 2);
      const ev = /^event: (.+)$/m.exec(block);
      const data = /^data: (.+)$/m.exec(block);
      if (ev && data) out.push({ event: ev[1], data: JSON.parse(data[1]) });
    }
  }
  await reader.cancel();
  return out;
}

describe('live view', () => {
  let h: Harness;
  let admin: Client;
  let viewer: Client;
  let frame: CameraFrame;
  let faces: FaceEvent[];

  before(async () => {
    h = await startHarness({ live: { maxClientsPerCamera: 2, maxFps: 10 } });
    admin = await setUpAdmin(h);
    viewer = await userClient(h, admin, 'vera', 'viewer');
    assert.equal((await admin.json('POST', '/api/v1/cameras', { id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/s' })).status, 201);
    frame = await sceneFrame('two_people.jpg', 1);
    // Real face boxes from the real detector on the real photo.
    const engine = await FaceEngine.create({ ageGender: false });
    try {
      const dets = await engine.detect(frame);
      assert.ok(dets.length >= 2, `found ${dets.length} faces`);
      faces = dets.map((d, i) => ({
        at: new Date().toISOString(),
        cameraId: 'door',
        trackId: `t${i}`,
        personId: i === 0 ? 'S-0001' : null,
        kind: i === 0 ? ('staff' as const) : ('unknown' as const),
        name: i === 0 ? 'Penny' : null,
        score: d.score,
        box: d.box,
      }));
    } finally {
      await engine.release();
    }
  });
  after(() => h.close());

  it('snapshot is 503 before the first frame, then an annotated JPEG of the frame size', async () => {
    const early = await viewer.json('GET', '/api/v1/live/door/snapshot');
    assert.equal(early.status, 503);
    h.feed.push(frame);
    for (const f of faces) h.bus.emit('face', f);
    const res = await viewer.fetch('GET', '/api/v1/live/door/snapshot');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    const jpeg = Buffer.from(await res.arrayBuffer());
    const meta = await sharp(jpeg).metadata();
    assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', frame.width, frame.height]);

    // The boxes are drawn: on the unknown face's left edge the pixels turn the overlay red.
    const unknown = faces.find((f) => f.kind === 'unknown')!;
    const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
    const x = Math.round(unknown.box.x) + 1;
    const y = Math.round(unknown.box.y + unknown.box.height / 2);
    const p = (y * info.width + x) * info.channels;
    const [r, g, b] = [data[p], data[p + 1], data[p + 2]];
    assert.ok(r > 180 && g < 120 && b < 140, `box edge pixel is overlay red, got ${r},${g},${b}`);
  });

  it('MJPEG stream delivers multipart JPEG frames that decode', async () => {
    const res = await viewer.fetch('GET', '/api/v1/live/door/mjpeg');
    assert.equal(res.status, 200);
    const boundary = boundaryOf(res.headers.get('content-type'));
    assert.match(res.headers.get('content-type')!, /^multipart\/x-mixed-replace/);
    assert.ok(boundary);
    const parts = readMjpeg(res.body!, boundary!);
    const pusher = setInterval(() => h.feed.push({ ...frame, seq: frame.seq++ + 100, capturedAt: Date.now() }), 50);
    try {
      const got: Buffer[] = [];
      for await (const jpeg of parts) {
        got.push(jpeg);
        if (got.length === 3) break;
      }
      for (const jpeg of got) {
        const meta = await sharp(jpeg).metadata();
        assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', frame.width, frame.height]);
      }
    } finally {
      clearInterval(pusher);
    }
  });

  it('bounds the number of clients per camera', async () => {
    const a = await viewer.fetch('GET', '/api/v1/live/door/mjpeg');
    const b = await viewer.fetch('GET', '/api/v1/live/door/mjpeg');
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    const c = await viewer.json('GET', '/api/v1/live/door/mjpeg');
    assert.equal(c.status, 503);
    assert.equal(c.body.error.code, 'unavailable');
    await a.body!.cancel();
    await b.body!.cancel();
  });

  it('event stream mirrors the MQTT topics, with retained counts on connect', async () => {
    h.bus.emit('counts', { at: new Date().toISOString(), inShopNow: 2, staffInShopNow: 1, visitsToday: 7 });
    const res = await viewer.fetch('GET', '/api/v1/events');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/event-stream/);
    const pending = readEvents(res, 3);
    // Let the client's subscription settle, then publish live events.
    await new Promise((r) => setTimeout(r, 50));
    h.bus.emit('face', faces[0]);
    h.bus.emit('cameraStatus', {
      cameraId: 'door', state: 'running', lastError: null, decoder: 'avdec_h264', inputFps: 10, analysedFps: 10,
      droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: 20, width: 1280, height: 720,
    });
    const events = await pending;
    assert.deepEqual(events.map((e) => e.event), ['counts', 'faces', 'cameras/door/status']);
    assert.equal(events[0].data.visitsToday, 7);
    assert.equal(events[1].data.name, 'Penny');
  });
});
