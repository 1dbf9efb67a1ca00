/**
 * Footfall over HTTP on the real counter and store: counts now, the local footfall report by hour and day in the
 * site's timezone, Prometheus figures, and counting lines/zones in a camera's settings (bad ones refused, 400).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../device/src/util/clock.js';
import { FootfallCounter, FootfallData } from '../../device/src/footfall/footfall-counter.js';
import type { PersonTrack } from '../../device/src/people/person-tracker.js';
import { setUpAdmin, startHarness, userClient, type Client, type Harness } from './harness.js';

function track(id: string, personId: string | null = null): PersonTrack {
  return { id, cameraId: 'door', box: { x: 0, y: 0, width: 10, height: 20 }, score: 0.6, velocity: { vx: 0, vy: 0 }, firstSeenAt: 0, lastSeenAt: 0, hits: 5, confirmed: true, faceTrackIds: new Set(), personId, countedIn: false };
}

describe('footfall over HTTP', () => {
  let h: Harness;
  let admin: Client;
  let counter: FootfallCounter;
  const clock = new ManualClock(Date.parse('2026-11-20T09:00:00Z'));

  before(async () => {
    h = await startHarness({
      late: async ({ store, bus, settings }) => {
        counter = new FootfallCounter({ doc: await store.document('footfall', FootfallData, { hours: {} }), bus, clock, timezone: () => settings.get().site.timezone });
        await counter.start();
        return { footfall: counter };
      },
    });
    admin = await setUpAdmin(h); // site timezone Europe/Berlin
    // 09:10 and 09:40 UTC (10:xx in Berlin): two in, one identified later; 23:30 UTC is the next day in Berlin.
    const line = { kind: 'line' as const, id: 'entrance' };
    const a = track('p-a');
    counter.record({ at: Date.parse('2026-11-20T09:10:00Z'), cameraId: 'door', source: line, door: null, direction: 'in', track: a });
    counter.record({ at: Date.parse('2026-11-20T09:40:00Z'), cameraId: 'door', source: line, door: null, direction: 'in', track: track('p-b', 'C-000001') });
    counter.record({ at: Date.parse('2026-11-20T09:50:00Z'), cameraId: 'door', source: line, door: null, direction: 'out', track: a });
    counter.identified('p-a');
    counter.record({ at: Date.parse('2026-11-20T23:30:00Z'), cameraId: 'door', source: line, door: null, direction: 'in', track: track('p-c') });
    await counter.settled();
    clock.set(Date.parse('2026-11-20T10:00:00Z'));
  });
  after(async () => {
    await counter.stop();
    await h.close();
  });

  it('answers the counts now and the report by local hour and day', async () => {
    const now = await admin.json('GET', '/api/v1/footfall');
    assert.equal(now.status, 200);
    assert.equal(now.body.entriesToday, 2);
    assert.equal(now.body.exitsToday, 1);
    assert.equal(now.body.occupancyNow, 1);
    assert.equal(now.body.capturedToday, 2);
    assert.equal(now.body.captureRateToday, 1);

    const viewer = await userClient(h, admin, 'vic', 'viewer');
    const r = await viewer.json('GET', '/api/v1/reports/footfall?from=2026-11-19T23:00:00Z&to=2026-11-21T23:00:00Z');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.totals, { entries: 3, exits: 1, captured: 2, captureRate: 2 / 3 });
    assert.equal(r.body.entriesByHour[10], 2, '09:xx UTC is 10:xx in Berlin');
    assert.equal(r.body.entriesByHour[0], 1, '23:30 UTC is 00:30 in Berlin');
    assert.deepEqual(r.body.byDay.map((d: { date: string; entries: number }) => [d.date, d.entries]), [['2026-11-20', 2], ['2026-11-21', 1]]);
    // The hours survive a reopen of the document (what a restart reads).
    const doc = await h.store.document('footfall', FootfallData, { hours: {} });
    assert.equal(doc.data.hours['2026-11-20T09:00:00.000Z'].entries, 2);
  });

  it('refuses bad report ranges with a 400', async () => {
    for (const q of ['from=yesterday', 'from=2026-11-21T00:00:00Z&to=2026-11-20T00:00:00Z', 'from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z']) {
      const r = await admin.json('GET', `/api/v1/reports/footfall?${q}`);
      assert.equal(r.status, 400, q);
    }
  });

  it('exposes footfall to Prometheus', async () => {
    const res = await admin.fetch('GET', '/metrics');
    const text = await res.text();
    assert.match(text, /^cva_footfall_entries_today 2$/m);
    assert.match(text, /^cva_footfall_occupancy 1$/m);
  });

  it('keeps counting lines and zones in the camera settings, and refuses bad ones', async () => {
    const camera = {
      id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/door', analyse: 'both',
      lines: [{ id: 'entrance', name: 'Entrance', points: [{ x: 0.1, y: 0.6 }, { x: 0.9, y: 0.6 }], inSide: 'left', door: 'main' }],
      zones: [{ id: 'floor', name: 'Floor', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 0.5 }] }],
    };
    const created = await admin.json('POST', '/api/v1/cameras', camera);
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.config.analyse, 'both');
    assert.deepEqual(created.body.config.lines[0].points[1], { x: 0.9, y: 0.6 });
    const bad = [
      { ...camera, id: 'b1', analyse: 'bodies' },
      { ...camera, id: 'b2', lines: [{ ...camera.lines[0], points: [{ x: 1.5, y: 0 }, { x: 0, y: 0 }] }] },
      { ...camera, id: 'b3', lines: [{ ...camera.lines[0], points: [{ x: 0.5, y: 0.5 }] }] },
      { ...camera, id: 'b4', zones: [camera.zones[0], camera.zones[0]] },
      { ...camera, id: 'b5', zones: [{ ...camera.zones[0], polygon: 'floor' }] },
    ];
    for (const b of bad) {
      const r = await admin.json('POST', '/api/v1/cameras', b);
      assert.equal(r.status, 400, `${b.id}: ${JSON.stringify(r.body)}`);
    }
    const list = await admin.json('GET', '/api/v1/cameras');
    assert.deepEqual(list.body.items.map((c: { config: { id: string } }) => c.config.id), ['door'], 'nothing refused was kept');
  });
});
