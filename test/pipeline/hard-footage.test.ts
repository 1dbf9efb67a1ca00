/**
 * Issue 13 on footage made harder at test time: hamilton.mp4 downscaled to a third, blurred, and turned 40° with
 * GStreamer (`videoscale`, `gaussianblur`, `rotate`, and all three at once), played through the whole appliance.
 * Everyone whose face is found is counted (identified or as an unidentified visitor), staff never become
 * customers, and one person's face track broken into fragments is not one visit per fragment.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { SceneChangeDetector } from '../../device/src/pipeline/scene-change.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { decodeVideo } from '../tracking/video-frames.js';
import { CLIP_FPS, CLIP_START_S, countClip, makeClip } from './hard-footage.js';

let engine: FaceEngine;
let dir: string;
before(async () => {
  engine = await FaceEngine.create();
  dir = await mkdtemp(join(tmpdir(), 'cva-hard-footage-'));
});
after(async () => {
  await engine.release();
  await rm(dir, { recursive: true, force: true });
});

test('shot cuts are found on every version, also where a fifth of the picture is black rotation corners', { timeout: 300_000 }, async () => {
  // hamilton.mp4's three cuts (models.md §4: 1.511, 3.58, 7.884 s); nothing else is a cut.
  for (const version of ['clean', 'rotated', 'degraded'] as const) {
    const frames = await decodeVideo(await makeClip(version, dir), 640, 360, CLIP_FPS);
    const sc = new SceneChangeDetector();
    const cuts = frames.flatMap((f, i) => (sc.changed(f) ? [Math.round((CLIP_START_S + i / CLIP_FPS) * 100) / 100] : []));
    assert.deepEqual(cuts, [1.52, 3.59, 7.89], `${version}: cuts at ${JSON.stringify(cuts)}`);
  }
});

const TITLES = { third: 'a third the size (faces of 20 px)', blurred: 'blurred', degraded: 'turned 40°, a third the size and blurred' };
for (const version of ['third', 'blurred', 'degraded'] as const) {
  test(`${TITLES[version]}: every person found is counted, faces too soft to name as unidentified visitors`, { timeout: 300_000 }, async () => {
    const c = await countClip(engine, await makeClip(version, dir));
    const detail = JSON.stringify(c);
    assert.ok(c.present > 0, `faces are found: ${detail}`);
    assert.equal(c.counted, c.present, `everyone present is counted: ${detail}`);
    assert.ok(c.unidentified >= 1, `faces too soft to identify still become visits: ${detail}`);
    assert.ok(c.detail.arrivals.filter((a) => a.kind === 'unidentified').every((a) => a.personId.startsWith('U-')));
    assert.equal(c.staffAsCustomers, 0, `no staff member became a customer: ${detail}`);
    assert.equal(c.customersInStaffShot, 0, `no customer while only Lin is on screen: ${detail}`);
    if (version === 'degraded') {
      // Lin's soft close-up breaks into many short tracks; the fragments that continue one another in place join one
      // visit (pipeline/fragment-stitcher.ts). Measured: Lin 3–4 visits, Alex 1, Obama's shot 1–2, in 6 runs (before
      // stitching: Lin 11–14, Alex 2, Obama's shot 2). What stays in Lin's shot are tracks seen at the same time as
      // another (two boxes on his blurred face), which are never stitched.
      assert.ok(c.stitched >= 1, `fragments were stitched: ${detail}`);
      assert.ok(c.visitsPerPerson.lin <= 5, `Lin is not one visit per fragment: ${detail}`);
      assert.equal(c.visitsPerPerson.alex, 1, `Alex's two fragments are one visit: ${detail}`);
      assert.ok(c.visits.unidentified <= 8, `at most 8 unidentified visitors (was 15–18): ${detail}`);
    }
  });
}

test('heads rolled 40°: Lin is still named staff, never a customer, and everyone present is counted', { timeout: 300_000 }, async () => {
  const c = await countClip(engine, await makeClip('rotated', dir));
  const detail = JSON.stringify(c);
  assert.ok(c.visits.staff >= 1, `a staff visit: ${detail}`);
  assert.equal(c.counted, c.present, `everyone present is counted: ${detail}`);
  // Lin's faces here are levelled, and a levelled head never mints a customer (docs/identity.md §4).
  assert.equal(c.staffAsCustomers, 0, `no staff member became a customer: ${detail}`);
  assert.equal(c.customersInStaffShot, 0, `no customer while only Lin is on screen: ${detail}`);
  // Alex's profile breaks into fragments in place: one visit (measured 1 in 5 runs; 3 before stitching).
  assert.equal(c.visitsPerPerson.alex, 1, `Alex is one visit: ${detail}`);
});
