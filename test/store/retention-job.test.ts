import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RetentionSettings } from '../../device/src/contracts/settings.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { RetentionJob } from '../../device/src/store/retention-job.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { sighting, trackerRig } from '../visits/rig.js';
import { tempDir } from './helpers.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-01-01T12:00:00Z');

test('retention with a simulated clock: each class by its own age, forgetting removes crops and embeddings', async (t) => {
  const { dir, cleanup } = await tempDir('retention');
  t.after(cleanup);
  const clock = new ManualClock(T0);
  const rig = await trackerRig(dir, clock, { updateMs: 1000, embeddings: true });
  const { store, stats, tracker } = rig;
  await tracker.start();
  const jpeg = await readFile(join(facesDataDir(), 'identities', 'obama', '5-small.jpg'));
  const vec = () => Float32Array.from({ length: 128 }, () => Math.random() - 0.5);

  // Day 0: customer A visits (crop via the tracker) and gets two embeddings; an unknown face crop too.
  await tracker.observe(sighting(clock, 'C-000001', { quality: 0.8, crop: { jpeg } }));
  const oldUnknown = await store.crops.save({ kind: 'unknown', at: clock.now() }, { jpeg });
  const galleryCrop = await store.crops.save({ kind: 'customer', personId: 'C-000001', at: clock.now() }, { jpeg });
  await store.embeddings!.add({ personId: 'C-000001', vector: vec(), quality: 0.9, cropId: galleryCrop.id });
  await store.embeddings!.add({ personId: 'C-000001', vector: vec(), quality: 0.8 });
  // Day 60: customer B visits; a fresh unknown crop; staff crops are never aged out.
  clock.set(T0 + 60 * DAY);
  await tracker.tick();
  await tracker.observe(sighting(clock, 'C-000002', { quality: 0.8, crop: { jpeg } }));
  await tracker.observe(sighting(clock, 'S-ana', { quality: 0.8, crop: { jpeg } }));
  await store.embeddings!.add({ personId: 'C-000002', vector: vec(), quality: 0.9 });
  const freshUnknown = await store.crops.save({ kind: 'unknown', at: clock.now() - DAY }, { jpeg });
  await tracker.stop();

  // Day 100: A unseen for 100 days (> 90), B for 40.
  clock.set(T0 + 100 * DAY);
  const forgotten: string[] = [];
  const job = new RetentionJob({
    clock,
    retention: RetentionSettings.parse({ unknownCropDays: 3, customerCropDays: 30, customerUnseenDays: 90, visitDays: 50 }),
    crops: store.crops,
    dayLogs: [store.visits, store.visitEvents],
    unseenCustomers: (cutoff) => stats.unseenCustomers(cutoff),
    forgetPerson: async (personId) => {
      forgotten.push(personId); // identity would drop its links here
      await store.forgetPerson(personId);
      await stats.forget(personId);
    },
  });
  const report = await job.runNow();
  assert.deepEqual(report.errors, []);
  assert.deepEqual(report.customersForgotten, ['C-000001']);
  assert.deepEqual(forgotten, ['C-000001']);
  assert.equal(report.unknownCropsDeleted, 2, 'both unknown crops are older than 3 days at day 100');
  assert.equal(report.customerCropsDeleted, 3, 'A visit + A gallery + B visit crop are older than 30 days');
  assert.equal(await store.crops.read(oldUnknown.id), null);
  assert.equal(await store.crops.read(freshUnknown.id), null);
  assert.equal((await store.crops.list({ kind: 'staff' })).length, 1, 'staff crops are kept');
  assert.deepEqual(store.embeddings!.entries().map((e) => e.personId), ['C-000002']);
  assert.equal(await stats.visits('C-000001'), 0);
  assert.equal(await stats.visits('C-000002'), 1);
  // visitDays 50 at day 100: day-0 files go, day-60 files stay.
  assert.deepEqual(await readdir(join(dir, 'visits')), ['2026-03-02.json']);
  assert.ok(report.logDaysDeleted >= 2);
  assert.equal((await store.visits.page({ limit: 10 })).items.length, 2);

  // Running again changes nothing; at day 151 B has been unseen for 91 days and is forgotten.
  const again = await job.runNow();
  assert.deepEqual([again.unknownCropsDeleted, again.customerCropsDeleted, again.customersForgotten.length, again.logDaysDeleted], [0, 0, 0, 0]);
  clock.set(T0 + 151 * DAY);
  const later = await job.runNow();
  assert.deepEqual(later.customersForgotten, ['C-000002']);
  assert.equal(store.embeddings!.size, 0);
  assert.deepEqual(await readdir(join(dir, 'visits')), []);
  await store.close();
});

test('a failing class is reported and the others still run', async (t) => {
  const { dir, cleanup } = await tempDir('retention');
  t.after(cleanup);
  const clock = new ManualClock(T0);
  const rig = await trackerRig(dir, clock);
  await rig.tracker.start();
  await rig.tracker.observe(sighting(clock, 'C-000001'));
  await rig.tracker.stop();
  clock.set(T0 + 400 * DAY);
  const job = new RetentionJob({
    clock,
    retention: RetentionSettings.parse({ visitDays: 10 }),
    crops: rig.store.crops,
    dayLogs: [rig.store.visits],
    unseenCustomers: (cutoff) => rig.stats.unseenCustomers(cutoff),
    forgetPerson: async () => {
      throw new Error('identity is busy');
    },
  });
  const report = await job.runNow();
  assert.deepEqual(report.customersForgotten, []);
  assert.match(report.errors.join(), /forget C-000001: identity is busy/);
  assert.equal(report.logDaysDeleted, 1);
  await rig.store.close();
});
