import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { ManualClock } from '../../device/src/util/clock.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { tempDir } from '../store/helpers.js';
import { sighting, startedRig, trackerRig } from './rig.js';

const MIN = 60_000;
const T0 = Date.parse('2026-05-04T09:00:00Z');

test('one visit per person across cameras, with demographics, persisted before each event', async (t) => {
  const { dir, cleanup } = await tempDir('tracker');
  t.after(cleanup);
  const clock = new ManualClock(T0);
  const rig = await trackerRig(dir, clock);
  // Every event must already be on disk when it is emitted (acknowledged = durable).
  rig.bus.on('visit', (e) => {
    const file = readFileSync(join(dir, 'visits', `${e.after.arrivedAt.slice(0, 10)}.json`), 'utf8');
    const stored = JSON.parse(file).records.find((v: { id: string }) => v.id === e.after.id);
    assert.deepEqual(stored, e.after, `${e.type} was emitted before it was written`);
  });
  await rig.tracker.start();
  const ages = [30, 34, 31, 50, 33];
  const genders = ['female', 'female', 'male', 'female', null] as const;
  for (let i = 0; i < 5; i++) {
    const r = await rig.tracker.observe(sighting(clock, 'C-000001', { cameraId: i % 2 ? 'till' : 'door', age: ages[i], gender: genders[i] }));
    assert.ok(r.ok);
    clock.advance(2000);
  }
  assert.equal(rig.tracker.openVisits().length, 1);
  const v = rig.tracker.openVisits()[0];
  assert.deepEqual(v.cameras, ['door', 'till']);
  assert.equal(v.detections, 5);
  assert.deepEqual(v.demographics, { ageMedian: 33, gender: 'female', samples: 5 });
  assert.equal(v.dwellSeconds, 8);
  assert.equal(v.visitNumber, 1);
  assert.equal(v.returning, false);
  assert.deepEqual(rig.events.map((e) => e.type), ['new'], 'no update within the 10 s throttle window');
  assert.equal((await rig.store.visits.get(v.id))?.detections, 1, 'held back until the next update');
  clock.advance(10_000);
  await rig.tracker.tick();
  assert.deepEqual(rig.events.map((e) => e.type), ['new', 'update'], 'the held-back update goes out on the next tick');
  assert.equal(rig.events[1].before?.detections, 1);
  assert.equal(rig.events[1].after.detections, 5);
  await rig.tracker.tick();
  assert.equal(rig.events.length, 2, 'nothing new, nothing sent');
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  await rig.tracker.stop();
  // A stop (an update or a restart of the box) does not end a visit: what the throttle held back is written,
  // and the visit stays open for the next start to resume.
  const held = rig.events.at(-1)!;
  assert.equal(held.type, 'update');
  assert.equal(held.after.status, 'open');
  assert.equal(held.after.detections, 6, 'detections held back by the throttle are written at stop');
  assert.deepEqual(await rig.store.visits.get(v.id), held.after);
  const again = await trackerRig(dir, clock);
  await again.tracker.start();
  assert.deepEqual(again.tracker.openVisits().map((o) => o.id), [v.id], 'resumed after the restart');
  clock.advance(31 * MIN);
  await again.tracker.tick();
  const end = again.events.at(-1)!;
  assert.equal(end.type, 'end');
  assert.equal(end.after.status, 'closed');
  assert.equal(end.after.departedAt, end.after.lastSeenAt);
  assert.deepEqual(await again.store.visits.get(v.id), end.after);
  await again.tracker.stop();
  // The events history has every lifecycle event, in order.
  const history = [];
  for await (const e of again.store.visitEvents.scan({ order: 'asc' })) history.push(e.type);
  assert.deepEqual(history, ['new', 'end'], 'the history keeps the lifecycle; the record keeps the latest state');
});

test('gap closes the visit on tick; the next sighting is a returning visit counted once', async (t) => {
  const { rig, dir, clock } = await startedRig(t, T0, { gap: 30 });
  for (let i = 0; i < 20; i++) {
    await rig.tracker.observe(sighting(clock, 'C-000007'));
    clock.advance(1000);
  }
  clock.advance(29 * MIN);
  await rig.tracker.tick();
  assert.equal(rig.tracker.openVisits().length, 1, 'not yet: 29 min < gap');
  clock.advance(2 * MIN);
  await rig.tracker.tick();
  assert.equal(rig.tracker.openVisits().length, 0);
  const first = rig.events.find((e) => e.type === 'end')!.after;
  assert.equal(first.detections, 20);
  assert.equal(first.departedAt, new Date(T0 + 19_000).toISOString());
  const r = await rig.tracker.observe(sighting(clock, 'C-000007'));
  assert.ok(r.ok);
  assert.equal(r.value.visitNumber, 2);
  assert.equal(r.value.returning, true);
  assert.notEqual(r.value.id, first.id);
  assert.equal(await rig.stats.visits('C-000007'), 2, 'twenty detections and two visits count two');
  await rig.tracker.stop();
});

test('a sighting after the gap starts a new visit even before the timer runs', async (t) => {
  const { rig, dir, clock } = await startedRig(t, T0, { gap: 10 });
  const a = await rig.tracker.observe(sighting(clock, 'C-000002'));
  clock.advance(11 * MIN);
  const b = await rig.tracker.observe(sighting(clock, 'C-000002'));
  assert.ok(a.ok && b.ok);
  assert.notEqual(a.value.id, b.value.id);
  assert.deepEqual(rig.events.map((e) => e.type), ['new', 'end', 'new']);
  await rig.tracker.stop();
});

test('staff are attendance: excluded from customer counts; visits today follow the site timezone', async (t) => {
  // 23:30 in Auckland on 4 May = 11:30 UTC; local midnight is 30 minutes away.
  const { rig, dir, clock } = await startedRig(t, Date.parse('2026-05-04T11:30:00Z'), { timezone: 'Pacific/Auckland' });
  await rig.tracker.observe(sighting(clock, 'S-ana'));
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  await rig.tracker.observe(sighting(clock, 'C-000002'));
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  assert.deepEqual(rig.tracker.counts(), { at: new Date(clock.now()).toISOString(), inShopNow: 2, staffInShopNow: 1, visitsToday: 2 });
  assert.deepEqual(rig.counts.at(-1), rig.tracker.counts(), 'counts are published on every change');
  clock.advance(31 * MIN); // past local midnight; everyone's gap has elapsed too
  await rig.tracker.tick();
  assert.deepEqual(rig.tracker.counts().visitsToday, 0);
  assert.equal(rig.tracker.counts().inShopNow, 0);
  await rig.tracker.observe(sighting(clock, 'C-000003'));
  assert.equal(rig.tracker.counts().visitsToday, 1);
  const staffVisit = rig.events.find((e) => e.after.personId === 'S-ana')!.after;
  assert.equal(staffVisit.kind, 'staff');
  await rig.tracker.stop();
  // A restarted tracker recounts today's customer visits from the store.
  const again = await trackerRig(dir, clock, { timezone: 'Pacific/Auckland' });
  await again.tracker.start();
  assert.equal(again.tracker.counts().visitsToday, 1);
  await again.tracker.stop();
});

test('best crop is the highest-quality face; replaced crops are deleted once the visit is durable', async (t) => {
  const { rig, dir, clock } = await startedRig(t, T0, { updateMs: 1000 });
  const photo = join(facesDataDir(), 'identities', 'obama', '1.jpg');
  const { data, info } = await sharp(photo).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const frame = { data, width: info.width, height: info.height, stride: info.width * 3 };
  const jpeg = await readFile(join(facesDataDir(), 'identities', 'obama', '5-small.jpg'));
  await rig.tracker.observe(sighting(clock, 'C-000001', { quality: 0.4, crop: { jpeg } }));
  const firstCrop = rig.tracker.openVisits()[0].bestCropId!;
  clock.advance(2000);
  await rig.tracker.observe(sighting(clock, 'C-000001', { quality: 0.9, crop: { frame, box: { x: 300, y: 250, width: 300, height: 360 } } }));
  clock.advance(2000);
  await rig.tracker.observe(sighting(clock, 'C-000001', { quality: 0.6, crop: { jpeg } }));
  const v = rig.tracker.openVisits()[0];
  assert.notEqual(v.bestCropId, firstCrop);
  assert.ok(await rig.store.crops.read(firstCrop), 'kept while the stored visit still names it');
  await rig.tracker.tick(); // the update naming the new crop is written…
  assert.equal((await rig.store.visits.get(v.id))?.bestCropId, v.bestCropId);
  assert.equal(await rig.store.crops.read(firstCrop), null, '…and only then is the replaced crop deleted');
  const best = await rig.store.crops.read(v.bestCropId!);
  assert.ok(best);
  const meta = await sharp(best).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.deepEqual([meta.width, meta.height], [213, 256], 'the frame region, not the small photo');
  assert.deepEqual(await readdir(join(dir, 'crops', 'customer')), [`${v.bestCropId}.jpg`]);
  await rig.tracker.stop();
});

test('invalid sightings are refused with a typed error and change nothing', async (t) => {
  const { rig, dir, clock } = await startedRig(t, T0);
  const bad = [
    { ...sighting(clock, 'C-1'), kind: 'unknown' },
    { ...sighting(clock, ''), kind: 'customer' },
    { ...sighting(clock, 'C-1'), at: NaN },
    { ...sighting(clock, 'C-1'), age: 400 },
    { ...sighting(clock, 'C-1'), crop: 'not a crop' },
  ];
  for (const s of bad) {
    const r = await rig.tracker.observe(s as never);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.code, 'invalid-sighting');
  }
  assert.equal(rig.events.length, 0);
  assert.deepEqual(await readdir(join(dir, 'visits')), []);
  await rig.tracker.stop();
  const r = await rig.tracker.observe(sighting(clock, 'C-1'));
  assert.ok(!r.ok && r.error.code === 'stopped');
});

test('visits left open by a crash are resumed, or closed if their gap passed while down', async (t) => {
  const { rig: crashed, dir, clock } = await startedRig(t, T0);
  await crashed.tracker.observe(sighting(clock, 'C-000001'));
  clock.advance(20 * MIN);
  await crashed.tracker.observe(sighting(clock, 'C-000002'));
  // No stop(): the process "died" here. A new tracker comes up 15 minutes later.
  clock.advance(15 * MIN);
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  assert.deepEqual(rig.tracker.openVisits().map((v) => v.personId), ['C-000002']);
  assert.deepEqual(rig.events.map((e) => [e.type, e.after.personId]), [['end', 'C-000001']]);
  const r = await rig.tracker.observe(sighting(clock, 'C-000002'));
  assert.ok(r.ok);
  assert.equal(r.value.visitNumber, 1, 'the resumed visit continues');
  assert.equal(r.value.detections, 2);
  await rig.tracker.stop();
});

test('visitsOf lists a person’s visits newest first, the open one as it is now', async (t) => {
  const { rig, dir, clock } = await startedRig(t, T0);
  await rig.tracker.observe(sighting(clock, 'C-000005'));
  clock.advance(3 * 86_400_000);
  await rig.tracker.observe(sighting(clock, 'C-000006'));
  await rig.tracker.observe(sighting(clock, 'C-000005'));
  clock.advance(2000);
  await rig.tracker.observe(sighting(clock, 'C-000005'));
  const list = await rig.tracker.visitsOf('C-000005');
  assert.deepEqual(list.map((v) => [v.visitNumber, v.status, v.detections]), [
    [2, 'open', 2],
    [1, 'closed', 1],
  ]);
  assert.deepEqual(await rig.stats.span('C-000005'), { first: T0, last: T0 + 3 * 86_400_000 });
  assert.deepEqual(await rig.tracker.visitsOf('C-999999'), []);
  await rig.tracker.stop();
});

test('a damaged day file neither stops the tracker from starting nor from recording that day', async (t) => {
  const { dir, cleanup } = await tempDir('tracker');
  t.after(cleanup);
  const clock = new ManualClock(T0);
  await mkdir(join(dir, 'visits'), { recursive: true });
  await writeFile(join(dir, 'visits', '2026-05-04.json'), '{"day":"2026-05-04","records":[{"id":');
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  assert.deepEqual(rig.tracker.counts().inShopNow, 0);
  const [a, b] = await Promise.all([rig.tracker.observe(sighting(clock, 'C-000001')), rig.tracker.observe(sighting(clock, 'C-000002'))]);
  assert.ok(a.ok && b.ok);
  await rig.tracker.stop();
  const names = await readdir(join(dir, 'visits'));
  assert.equal(names.length, 2);
  const aside = names.find((n) => n.startsWith('2026-05-04.json.corrupt-'));
  assert.ok(aside, 'the damaged file is kept for inspection');
  assert.equal(await readFile(join(dir, 'visits', aside), 'utf8'), '{"day":"2026-05-04","records":[{"id":');
  const again = await trackerRig(dir, clock);
  assert.deepEqual((await again.store.visits.page({ limit: 10 })).items.map((v) => v.personId).sort(), ['C-000001', 'C-000002']);
});

test('a visit left open by a crash long ago is still closed on the next start', async (t) => {
  const { rig: crashed, dir, clock } = await startedRig(t, T0);
  await crashed.tracker.observe(sighting(clock, 'C-000001'));
  assert.equal(JSON.parse(await readFile(join(dir, 'open-visits.json'), 'utf8')).ids.length, 1);
  clock.advance(10 * 86_400_000); // the box stayed off for ten days
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  assert.deepEqual(rig.events.map((e) => [e.type, e.after.personId, e.after.departedAt]), [['end', 'C-000001', new Date(T0).toISOString()]]);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'open-visits.json'), 'utf8')).ids, []);
  await rig.tracker.stop();
});
