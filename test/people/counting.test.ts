/**
 * Counting lines and zones on person tracks (direction, hysteresis, going round a line's end, confirmation, zones)
 * and the site's footfall counter (doors seen by two cameras, late captures, persistence).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CameraCounting } from '../../device/src/people/camera-counting.js';
import { crossesPolyline, insidePolygon, sideOfPolyline } from '../../device/src/people/counting-geometry.js';
import type { PersonTrack } from '../../device/src/people/person-tracker.js';
import type { Point } from '../../device/src/contracts/footfall.js';
import { EventBus } from '../../device/src/events.js';
import { FootfallCounter, FootfallData } from '../../device/src/footfall/footfall-counter.js';
import { openDocument } from '../../device/src/store/json-document.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function track(id: string, confirmed = true): PersonTrack {
  return { id, cameraId: 'cam', box: { x: 0, y: 0, width: 1, height: 1 }, score: 0.5, velocity: { vx: 0, vy: 0 }, firstSeenAt: 0, lastSeenAt: 0, hits: 3, confirmed, faceTrackIds: new Set(), personId: null, countedIn: false };
}

/** A horizontal door line at y = 0.5 from left to right; walking along it, "right" is down the image (y > 0.5). */
const door = { id: 'door', name: 'Door', points: [{ x: 0.2, y: 0.5 }, { x: 0.8, y: 0.5 }], inSide: 'right' as const, door: null };

function walk(c: CameraCounting, t: PersonTrack, path: Point[]) {
  return path.flatMap((p, i) => c.observe(t, i * 100, p).crossings.map((x) => x.direction));
}

describe('counting geometry', () => {
  it('tells sides of a polyline with a margin, crossings and polygon insides', () => {
    const line = door.points;
    assert.equal(sideOfPolyline(line, { x: 0.5, y: 0.9 }, 0.02), 1, 'below the line is its right-hand side');
    assert.equal(sideOfPolyline(line, { x: 0.5, y: 0.1 }, 0.02), -1);
    assert.equal(sideOfPolyline(line, { x: 0.5, y: 0.51 }, 0.02), 0, 'too near to tell');
    assert.ok(crossesPolyline(line, { x: 0.5, y: 0.4 }, { x: 0.5, y: 0.6 }));
    assert.ok(!crossesPolyline(line, { x: 0.9, y: 0.4 }, { x: 0.9, y: 0.6 }), 'past the end of the line');
    assert.ok(insidePolygon([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }], { x: 0.2, y: 0.2 }));
    assert.ok(!insidePolygon([{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }], { x: 0.8, y: 0.8 }));
  });
});

describe('camera counting', () => {
  it('counts in and out by direction, once per crossing, with no flicker on the line', () => {
    const c = new CameraCounting('cam');
    c.configure({ lines: [door], zones: [] });
    const dirs = walk(c, track('a'), [{ x: 0.5, y: 0.2 }, { x: 0.5, y: 0.49 }, { x: 0.5, y: 0.51 }, { x: 0.5, y: 0.495 }, { x: 0.5, y: 0.8 }, { x: 0.5, y: 0.9 }, { x: 0.5, y: 0.3 }]);
    assert.deepEqual(dirs, ['in', 'out']);
  });

  it('does not count a walk round the end of the line', () => {
    const c = new CameraCounting('cam');
    c.configure({ lines: [door], zones: [] });
    assert.deepEqual(walk(c, track('b'), [{ x: 0.9, y: 0.2 }, { x: 0.9, y: 0.8 }, { x: 0.5, y: 0.8 }]), []);
  });

  it('holds the crossings of an unconfirmed track until it is confirmed, and drops them if it never is', () => {
    const c = new CameraCounting('cam');
    c.configure({ lines: [door], zones: [] });
    const t = track('c', false);
    assert.deepEqual(walk(c, t, [{ x: 0.5, y: 0.2 }, { x: 0.5, y: 0.8 }]), []);
    t.confirmed = true;
    assert.deepEqual(c.observe(t, 300, { x: 0.5, y: 0.85 }).crossings.map((x) => x.direction), ['in']);
    const ghost = track('d', false);
    walk(c, ghost, [{ x: 0.5, y: 0.2 }, { x: 0.5, y: 0.8 }]);
    assert.deepEqual(c.end(ghost, 500).crossings, []);
  });

  it('zones: occupancy, dwell, and in/out on a camera without lines (leaving by vanishing too)', () => {
    const c = new CameraCounting('cam');
    c.configure({ lines: [], zones: [{ id: 'floor', name: 'Floor', polygon: [{ x: 0, y: 0 }, { x: 0.6, y: 0 }, { x: 0.6, y: 1 }, { x: 0, y: 1 }], door: null }] });
    const a = track('e');
    const b = track('f');
    assert.deepEqual(c.observe(a, 0, { x: 0.3, y: 0.5 }).crossings.map((x) => x.direction), ['in']);
    c.observe(b, 0, { x: 0.9, y: 0.5 });
    assert.equal(c.occupancy(0).get('floor'), 1);
    a.lastSeenAt = b.lastSeenAt = 1000;
    c.observe(a, 1000, { x: 0.3, y: 0.5 });
    c.observe(b, 1000, { x: 0.4, y: 0.5 });
    assert.equal(c.occupancy(1000).get('floor'), 2);
    assert.equal(c.occupancy(2000).get('floor'), 0, 'nobody seen for a second is not counted inside');
    const left = c.observe(a, 5000, { x: 0.8, y: 0.5 });
    assert.deepEqual(left.crossings.map((x) => x.direction), ['out']);
    assert.deepEqual(left.stays, [{ zoneId: 'floor', enteredAt: 0, leftAt: 5000 }]);
    const gone = c.end(b, 7000);
    assert.deepEqual(gone.crossings.map((x) => x.direction), ['out']);
    assert.equal(c.occupancy(7000).get('floor'), 0);
  });
});


describe('footfall counter', () => {
  it('counts a door seen by two cameras once, captures an entry identified later, and keeps the hours across a reopen', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-footfall-'));
    try {
      const clock = new ManualClock(Date.parse('2026-11-20T10:30:00Z'));
      const file = join(dir, 'footfall.json');
      const bus = new EventBus();
      const published: boolean[] = [];
      bus.on('footfall', (e) => published.push(e.counted));
      const counter = new FootfallCounter({ doc: await openDocument(file, FootfallData, { hours: {} }), bus, clock, timezone: () => 'UTC' });
      await counter.start();
      const line = { kind: 'line' as const, id: 'door' };
      const at = clock.now();
      const a = track('p-a');
      counter.record({ at, cameraId: 'left', source: line, door: 'main', direction: 'in', track: a });
      counter.record({ at: at + 1500, cameraId: 'right', source: line, door: 'main', direction: 'in', track: track('p-b') });
      counter.record({ at: at + 60_000, cameraId: 'right', source: line, door: 'main', direction: 'in', track: track('p-c') });
      assert.deepEqual(published, [true, false, true]);
      assert.equal(counter.counts().entriesToday, 2);
      assert.equal(counter.counts().captureRateToday, 0);
      counter.identified('p-a');
      counter.identified('p-a');
      assert.equal(counter.counts().capturedToday, 1);
      assert.equal(counter.counts().captureRateToday, 0.5);
      await counter.stop();
      const again = new FootfallCounter({ doc: await openDocument(file, FootfallData, { hours: {} }), bus, clock, timezone: () => 'UTC' });
      assert.deepEqual(again.hours(0, Date.parse('2027-01-01T00:00:00Z')), [{ hour: '2026-11-20T10:00:00.000Z', entries: 2, exits: 0, captured: 1 }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
