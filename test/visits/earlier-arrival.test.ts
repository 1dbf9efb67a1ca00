/**
 * A visit arrives when any of its tracks was first seen: a sighting older than the visit's arrival (a counted
 * person's body seen before its face, a track decided after another one of the same person) moves the arrival
 * back, on the real tracker and store. The visit keeps its id and day file, goes out as an ordinary `update`, and
 * is never moved off the day it was filed and counted under, nor back past the visit gap.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { VisitEvent } from '../../device/src/contracts/visit.js';
import { sighting, startedRig, trackerRig } from './rig.js';

const MIN = 60_000;
const T0 = Date.parse('2026-05-04T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

test('an older sighting moves the arrival back: one record, same id, an ordinary update, dwell from the new arrival', async (t) => {
  const { rig, clock } = await startedRig(t, T0, { updateMs: 1000 });
  const opened = await rig.tracker.observe(sighting(clock, 'C-000001'));
  assert.ok(opened.ok);
  clock.advance(5000);
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  clock.advance(1000);
  await rig.tracker.tick();
  assert.deepEqual(rig.events.map((e) => e.type), ['new', 'update']);
  // The body of the same person, seen 20 s before the face.
  const r = await rig.tracker.observe(sighting(clock, 'C-000001', { at: T0 - 20_000, quality: 0 }));
  assert.ok(r.ok);
  assert.equal(r.value.id, opened.value.id, 'the same visit');
  assert.equal(r.value.arrivedAt, iso(T0 - 20_000));
  assert.equal(r.value.lastSeenAt, iso(T0 + 5000), 'the last sighting is still the latest');
  assert.equal(r.value.dwellSeconds, 25);
  assert.equal(r.value.detections, 3);
  clock.advance(1000);
  await rig.tracker.tick();
  const moved = rig.events.at(-1)!;
  assert.equal(moved.type, 'update', 'announced as an ordinary update (MQTT and the cloud take it as such)');
  assert.ok(VisitEvent.safeParse(moved).success, 'the update satisfies the wire contract');
  assert.equal(moved.before?.arrivedAt, iso(T0));
  assert.equal(moved.after.arrivedAt, iso(T0 - 20_000));
  assert.equal(moved.after.id, opened.value.id);
  // Stored in place: one record, in its day file, found by id, by the day's range and in the person's history.
  assert.deepEqual(await rig.store.visits.get(opened.value.id), moved.after);
  const day = await rig.store.visits.range(Date.parse('2026-05-04T00:00:00Z'), Date.parse('2026-05-05T00:00:00Z'));
  assert.deepEqual(day.map((v) => v.id), [opened.value.id]);
  assert.deepEqual((await rig.tracker.visitsOf('C-000001')).map((v) => [v.id, v.arrivedAt]), [[opened.value.id, iso(T0 - 20_000)]]);
  assert.deepEqual(await rig.stats.span('C-000001'), { first: T0 - 20_000, last: T0 }, 'the person’s span starts at the new arrival');
  assert.equal(await rig.stats.visits('C-000001'), 1, 'still one visit');
  assert.equal(rig.tracker.counts().visitsToday, 1);
  // Later sightings keep measuring dwell from the moved arrival; the closed visit keeps it.
  clock.advance(10_000);
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  clock.advance(31 * MIN);
  await rig.tracker.tick();
  const end = rig.events.at(-1)!;
  assert.equal(end.type, 'end');
  assert.equal(end.after.arrivedAt, iso(T0 - 20_000));
  assert.equal(end.after.dwellSeconds, (T0 + 17_000 - (T0 - 20_000)) / 1000);
  assert.deepEqual(await rig.store.visits.get(opened.value.id), end.after);
  await rig.tracker.stop();
});

test('a sighting more than the visit gap older than the arrival is no arrival of this visit', async (t) => {
  const { rig, clock } = await startedRig(t, T0, { gap: 10 });
  await rig.tracker.observe(sighting(clock, 'C-000002'));
  const r = await rig.tracker.observe(sighting(clock, 'C-000002', { at: T0 - 11 * MIN }));
  assert.ok(r.ok);
  assert.equal(r.value.arrivedAt, iso(T0), 'an earlier visit’s late sighting: counted, arrival kept');
  assert.equal(r.value.detections, 2);
  await rig.tracker.stop();
});

test('the arrival never leaves the UTC day the visit is filed under', async (t) => {
  const midnight = Date.parse('2026-05-05T00:00:00Z');
  const { rig, dir, clock } = await startedRig(t, midnight + 5000);
  const opened = await rig.tracker.observe(sighting(clock, 'C-000003'));
  assert.ok(opened.ok);
  const r = await rig.tracker.observe(sighting(clock, 'C-000003', { at: midnight - 15_000 }));
  assert.ok(r.ok);
  assert.equal(r.value.arrivedAt, iso(midnight), 'held at the start of its day');
  assert.equal(r.value.dwellSeconds, 5);
  await rig.tracker.stop();
  assert.equal((await rig.store.visits.get(opened.value.id))?.arrivedAt, iso(midnight), 'written to its own day file');
  assert.deepEqual(await readdir(join(dir, 'visits')).then((fs) => fs.filter((f) => f.endsWith('.json'))), ['2026-05-05.json']);
});

test('the arrival never leaves the local day that counted it: visits today stay the same after a restart', async (t) => {
  // Auckland (UTC+12 in May): local midnight of 5 May is 12:00 UTC on 4 May, inside the UTC day.
  const localMidnight = Date.parse('2026-05-04T12:00:00Z');
  const { rig, dir, clock } = await startedRig(t, localMidnight + 5000, { timezone: 'Pacific/Auckland' });
  await rig.tracker.observe(sighting(clock, 'C-000004'));
  const r = await rig.tracker.observe(sighting(clock, 'C-000004', { at: localMidnight - 15_000 }));
  assert.ok(r.ok);
  assert.equal(r.value.arrivedAt, iso(localMidnight), 'held at local midnight');
  assert.equal(rig.tracker.counts().visitsToday, 1);
  await rig.tracker.stop();
  const again = await trackerRig(dir, clock, { timezone: 'Pacific/Auckland' });
  await again.tracker.start();
  assert.equal(again.tracker.counts().visitsToday, 1, 'recounted from the store: still today’s');
  await again.tracker.stop();
});
