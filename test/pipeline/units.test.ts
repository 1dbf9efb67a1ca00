import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { CameraFrame } from '../../device/src/frame/frame.js';
import { cameraArgs, parseCameraArg, withQuickCameras } from '../../device/src/pipeline/camera-arg.js';
import { MIN_VISITOR_DETECTIONS, SightingRelay } from '../../device/src/pipeline/sighting-relay.js';
import type { TrackedFace, TrackSummary } from '../../device/src/tracking/types.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { createLogger } from '../../device/src/util/log.js';
import { trackerRig } from '../visits/rig.js';
import { cutFace } from '../../device/src/frame/face-crop.js';
import { LatestFrameSlots } from '../../device/src/pipeline/frame-slots.js';
import { quantileOf, StageTimings } from '../../device/src/pipeline/stage-timings.js';

function frame(cameraId: string, seq: number): CameraFrame {
  return { cameraId, seq, capturedAt: 1000 + seq, ptsMs: null, data: new Uint8Array(12), width: 2, height: 2, stride: 6 };
}

test('frame slots: one waiting frame per camera, the latest wins and the displaced one is counted', () => {
  const slots = new LatestFrameSlots();
  assert.equal(slots.offer(frame('a', 1)), false);
  assert.equal(slots.offer(frame('a', 2)), true);
  assert.equal(slots.offer(frame('a', 3)), true);
  assert.equal(slots.size, 1);
  assert.equal(slots.take()?.seq, 3);
  assert.equal(slots.take(), null);
  assert.equal(slots.droppedFrames('a'), 2);
  assert.equal(slots.acceptedFrames('a'), 3);
});

test('frame slots: a demand-paced frame is released when taken, displaced or removed, never while it waits', () => {
  const slots = new LatestFrameSlots();
  const released: string[] = [];
  const paced = (cameraId: string, seq: number): CameraFrame => ({ ...frame(cameraId, seq), release: () => released.push(`${cameraId}${seq}`) });
  slots.offer(paced('a', 1));
  assert.deepEqual(released, [], 'waiting: the source must not decode the next one yet');
  slots.offer(paced('a', 2));
  assert.deepEqual(released, ['a1'], 'displaced');
  assert.equal(slots.take()?.seq, 2);
  assert.deepEqual(released, ['a1', 'a2'], 'taken: the next frame decodes while this one is analysed');
  slots.offer(paced('b', 1));
  slots.remove('b');
  assert.deepEqual(released, ['a1', 'a2', 'b1'], 'removed with its camera');
});

test('frame slots: cameras are served round-robin, so a busy camera cannot starve another', () => {
  const slots = new LatestFrameSlots();
  slots.offer(frame('a', 1));
  slots.offer(frame('b', 1));
  assert.equal(slots.take()?.cameraId, 'a');
  slots.offer(frame('a', 2));
  assert.equal(slots.take()?.cameraId, 'b');
  assert.equal(slots.take()?.cameraId, 'a');
  slots.offer(frame('b', 2));
  slots.offer(frame('a', 3));
  assert.equal(slots.take()?.cameraId, 'b', 'a was served last, b goes first');
  slots.remove('a');
  assert.equal(slots.take(), null, 'a removed camera loses its waiting frame');
  assert.equal(slots.droppedFrames('a'), 0);
});

test('face crop: the region around the box is copied out of a padded frame, clamped to the frame', () => {
  const width = 10, height = 8, stride = 32; // padded rows
  const data = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 7], y * stride + x * 3);
  const crop = cutFace({ data, width, height, stride }, { x: 6, y: 1, width: 4, height: 4 }, 0.5);
  assert.ok(crop);
  assert.deepEqual([crop.frame.width, crop.frame.height, crop.frame.stride], [6, 7, 18]);
  assert.deepEqual(crop.box, { x: 2, y: 1, width: 4, height: 4 });
  assert.deepEqual([...crop.frame.data.subarray(0, 3)], [4, 0, 7], 'top-left of the crop is frame pixel (4, 0)');
  assert.equal(cutFace({ data, width, height, stride }, { x: 50, y: 50, width: 4, height: 4 }), null);
});

test('stage timings: medians per stage from the recorded samples, quantiles interpolate', () => {
  const t = new StageTimings();
  for (const ms of [5, 1, 3]) t.record('detect', ms);
  t.record('embed', 10);
  t.record('embed', Number.NaN);
  assert.deepEqual(t.medians(), { detect: 3, embed: 10 });
  assert.equal(quantileOf([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileOf([], 0.5), null);
  assert.equal(t.quantile('frame', 0.5), null);
});

test('--camera: URLs are taken as they are, a video file path becomes a looping file:// camera', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-camarg-'));
  try {
    await writeFile(join(dir, 'clip.mp4'), 'x');
    const file = parseCameraArg('clip.mp4', 0, new Set(), dir);
    assert.ok(file.ok);
    assert.equal(file.value.url, `file://${join(dir, 'clip.mp4')}`);
    assert.equal(file.value.loop, true);
    assert.equal(file.value.name, 'clip.mp4');
    assert.equal(file.value.id, 'cli-1');

    const rtsp = parseCameraArg('rtsp://user:secret@10.0.0.5:554/stream1', 1);
    assert.ok(rtsp.ok);
    assert.equal(rtsp.value.url, 'rtsp://user:secret@10.0.0.5:554/stream1');
    assert.equal(rtsp.value.loop, false);
    assert.equal(rtsp.value.name, 'rtsp://10.0.0.5:554/stream1', 'no password in the display name');
    assert.equal(rtsp.value.analysisFps, 10, 'contract defaults apply');

    const usb = parseCameraArg('/dev/video0', 0);
    assert.ok(usb.ok && usb.value.url === '/dev/video0');

    const missing = parseCameraArg('nope.mp4', 0, new Set(), dir);
    assert.ok(!missing.ok && missing.error.code === 'file-not-found');
    const badScheme = parseCameraArg('ftp://host/x', 0);
    assert.ok(!badScheme.ok && badScheme.error.code === 'invalid-camera');

    assert.deepEqual(cameraArgs(['--camera', 'a', '--x', '--camera=b']), { ok: true, value: ['a', 'b'] });
    const noValue = cameraArgs(['--camera', '--verbose']);
    assert.ok(!noValue.ok && noValue.error.code === 'missing-value');

    const configured = parseCameraArg('rtsp://10.0.0.9/s', 0);
    assert.ok(configured.ok && configured.value.id === 'cli-1');
    const all = withQuickCameras([configured.value], ['--camera', 'clip.mp4'], dir);
    assert.ok(all.ok);
    assert.deepEqual(all.value.map((c) => c.id), ['cli-1', 'cli-2'], 'a quick camera never takes a configured id');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('sighting relay: a real undecided track is an unidentified visitor; identified after it ended, its visit becomes the person’s', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-relay-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const clock = new ManualClock(Date.parse('2026-05-04T10:00:00Z'));
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  const relay = new SightingRelay(rig.tracker, createLogger('test'));
  const t0 = clock.now();
  const faceBox = { x: 10, y: 10, width: 40, height: 40 };
  const summary = (trackId: string, detections: number): TrackSummary<TrackedFace> => ({
    cameraId: 'door', trackId, firstSeenAt: t0, lastSeenAt: t0 + 2000, firstBox: faceBox, lastBox: faceBox, detections, goodFaces: 0, shots: [],
    concurrentPersonIds: [], ageMedian: 41, gender: 'female', genderConfidence: 0.9,
  });
  relay.ended('blip', summary('blip', MIN_VISITOR_DETECTIONS - 1)); // a flicker is nobody
  relay.ended('t1', summary('t1', 12));
  await relay.settled();
  const u = rig.tracker.openVisits();
  assert.deepEqual(u.map((v) => [v.personId, v.kind, v.arrivedAt, v.dwellSeconds]), [['U-t1', 'unidentified', new Date(t0).toISOString(), 2]]);
  assert.deepEqual([u[0].demographics.ageMedian, u[0].demographics.gender, u[0].demographics.genderConfidence], [41, 'female', 0.9]);
  // A later track's lone face pairs with this one's: the customer is formed and handed back for the ended track.
  const decision = { personId: 'C-000001', kind: 'customer' as const, name: null, score: 0.7, distance: 0.4, runnerUp: null, reason: 'new-customer' as const };
  relay.decidedAfterEnd(decision, summary('t1', 12));
  await relay.settled();
  const after = rig.tracker.openVisits();
  assert.deepEqual(after.map((v) => [v.id, v.personId, v.kind]), [[u[0].id, 'C-000001', 'customer']], 'one visit, now the customer’s');
  assert.equal(rig.tracker.counts().visitsToday, 1);
  await rig.tracker.stop();
});
