import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Visit } from '../../device/src/contracts/visit.js';
import { DayLog } from '../../device/src/store/day-log.js';
import { VisitQuery } from '../../device/src/visits/visit-query.js';
import { tempDir } from '../store/helpers.js';

const H = 3_600_000;

/** Stored rows with known answers: arrivals in New York local time (UTC-4 in June). */
async function seed(dir: string) {
  const log = await DayLog.open<Visit>({ dir: join(dir, 'visits'), schema: Visit, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V' });
  const rows: [string, string, 'staff' | 'customer', number, number | null, 'male' | 'female' | null, number, string[]][] = [
    // personId, arrival (UTC), kind, dwell s, age, gender, visitNumber, cameras
    ['C-000001', '2026-06-01T13:05:00Z', 'customer', 30, 23, 'female', 1, ['door']], // 09:05 local, day 1
    ['C-000002', '2026-06-01T13:40:00Z', 'customer', 400, 41, 'male', 1, ['door', 'till']], // 09:40
    ['C-000001', '2026-06-01T20:10:00Z', 'customer', 1000, 25, 'female', 2, ['till']], // 16:10
    ['S-ana', '2026-06-01T12:00:00Z', 'staff', 28_800, 35, 'female', 1, ['door']], // staff: attendance only
    ['C-000003', '2026-06-02T03:30:00Z', 'customer', 4000, null, null, 1, ['door']], // 23:30 local on day 1
    ['C-000002', '2026-06-03T14:00:00Z', 'customer', 2000, 70, 'male', 2, ['door']], // 10:00 local, day 3
  ];
  const made: Visit[] = [];
  for (const [personId, arrivedAt, kind, dwell, age, gender, visitNumber, cameras] of rows) {
    const at = Date.parse(arrivedAt);
    made.push(
      await log.append({
        id: log.newId(at),
        personId,
        kind,
        arrivedAt,
        lastSeenAt: new Date(at + dwell * 1000).toISOString(),
        departedAt: new Date(at + dwell * 1000).toISOString(),
        dwellSeconds: dwell,
        cameras,
        detections: 3,
        bestCropId: null,
        demographics: { ageMedian: age, gender, samples: age === null ? 0 : 3 },
        visitNumber,
        returning: visitNumber > 1,
        status: 'closed',
      }),
    );
  }
  return { log, made };
}

test('filtered cursor pages from raw query strings; bad input is an error value', async (t) => {
  const { dir, cleanup } = await tempDir('query');
  t.after(cleanup);
  const { log } = await seed(dir);
  const q = new VisitQuery({ visits: log, timezone: () => 'America/New_York' });
  const p1 = await q.page({ kind: 'customer', limit: '2' });
  assert.ok(p1.ok);
  assert.deepEqual(p1.value.items.map((v) => v.arrivedAt), ['2026-06-03T14:00:00.000Z', '2026-06-02T03:30:00.000Z'].map((s) => s.replace('.000', '')));
  const p2 = await q.page({ kind: 'customer', limit: '2', cursor: p1.value.nextCursor! });
  assert.ok(p2.ok);
  assert.deepEqual(p2.value.items.map((v) => v.personId), ['C-000001', 'C-000002']);
  const byCam = await q.page({ cameraId: 'till', minDwell: '500' });
  assert.ok(byCam.ok);
  assert.deepEqual(byCam.value.items.map((v) => v.dwellSeconds), [1000]);
  const bounded = await q.page({ from: '2026-06-01T13:00:00Z', to: '2026-06-01T14:00:00Z', personId: 'C-000002' });
  assert.ok(bounded.ok && bounded.value.items.length === 1 && bounded.value.nextCursor === null);
  for (const bad of [{ from: 'yesterday' }, { limit: '0' }, { kind: 'robot' }, { sort: 'asc' }, { cursor: '!!' }, { from: '2026-06-02T00:00:00Z', to: '2026-06-01T00:00:00Z' }]) {
    const r = await q.page(bad);
    assert.equal(r.ok, false, JSON.stringify(bad));
  }
});

test('open visits are shown as the tracker holds them, not as last written', async (t) => {
  const { dir, cleanup } = await tempDir('query');
  t.after(cleanup);
  const { log, made } = await seed(dir);
  const fresher = { ...made[5], detections: 99 };
  const q = new VisitQuery({ visits: log, timezone: () => 'UTC', live: () => [fresher] });
  const r = await q.page({ limit: 1 });
  assert.ok(r.ok);
  assert.equal(r.value.items[0].detections, 99);
});

test('CSV export streams every matching row with safe quoting', async (t) => {
  const { dir, cleanup } = await tempDir('query');
  t.after(cleanup);
  const { log } = await seed(dir);
  const at = Date.parse('2026-06-04T10:00:00Z');
  await log.append({
    ...(await log.get((await log.page({ limit: 1 })).items[0].id))!,
    id: log.newId(at),
    personId: '=HYPERLINK("x")',
    arrivedAt: new Date(at).toISOString(),
  });
  const q = new VisitQuery({ visits: log, timezone: () => 'UTC' });
  const stream = q.csv({ kind: 'customer' });
  assert.ok(stream.ok);
  let text = '';
  for await (const chunk of stream.value) text += chunk;
  const lines = text.trimEnd().split('\r\n');
  assert.equal(lines[0], 'id,personId,kind,status,arrivedAt,lastSeenAt,departedAt,dwellSeconds,cameras,detections,visitNumber,returning,ageMedian,gender');
  assert.equal(lines.length, 1 + 6);
  assert.ok(lines[1].includes(`"'=HYPERLINK(""x"")"`), lines[1]);
  assert.ok(lines.some((l) => l.includes(',door;till,')));
  assert.ok(lines.some((l) => /,C-000003,customer,closed,.*,,$/.test(l)), 'unknown age and gender are empty cells');
  assert.equal(q.csv({ kind: 'x' }).ok, false);
});

test('report aggregates real rows in the site timezone', async (t) => {
  const { dir, cleanup } = await tempDir('query');
  t.after(cleanup);
  const { log } = await seed(dir);
  const q = new VisitQuery({ visits: log, timezone: () => 'America/New_York' });
  const r = await q.report({ from: '2026-06-01T04:00:00Z', to: '2026-06-04T04:00:00Z' });
  assert.ok(r.ok);
  const rep = r.value;
  assert.deepEqual(rep.customers, { visits: 5, uniqueCustomers: 3, newVisits: 3, returningVisits: 2 });
  assert.deepEqual(rep.staff, { visits: 1, uniqueStaff: 1, totalDwellSeconds: 28_800 });
  const hours = Object.fromEntries(rep.byHour.map((n, h) => [h, n]).filter(([, n]) => n));
  assert.deepEqual(hours, { 9: 2, 10: 1, 16: 1, 23: 1 });
  assert.deepEqual(
    rep.byDay.map((d) => [d.date, d.visits, d.newVisits, d.returningVisits, d.uniqueCustomers]),
    [
      ['2026-06-01', 4, 3, 1, 3],
      ['2026-06-02', 0, 0, 0, 0],
      ['2026-06-03', 1, 0, 1, 1],
    ],
  );
  assert.deepEqual(
    rep.dwell.buckets.map((b) => b.visits),
    [1, 0, 1, 1, 1, 1], // <1m: 30 s; 5-15m: 400 s; 15-30m: 1000 s; 30-60m: 2000 s; 60m+: 4000 s
  );
  assert.equal(rep.dwell.medianSeconds, 1000);
  assert.equal(rep.dwell.meanSeconds, 1486);
  assert.deepEqual(
    Object.fromEntries(rep.demographics.ageBands.filter((b) => b.visits).map((b) => [b.band, b.visits])),
    { '18-24': 1, '25-34': 1, '35-44': 1, '65+': 1 },
  );
  assert.equal(rep.demographics.ageUnknown, 1);
  assert.deepEqual(rep.demographics.gender, { male: 2, female: 2, unknown: 1 });
  const bad = await q.report({ from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' });
  assert.equal(bad.ok, false);
});

test('a personId filter reads only the days of the person’s span', async (t) => {
  const { dir, cleanup } = await tempDir('query');
  t.after(cleanup);
  const { log } = await seed(dir);
  // A damaged day file outside C-000003's span: touching it would fail the query.
  await writeFile(join(dir, 'visits', '2026-05-20.json'), '{"day":"2026-05-20","records":[{"broken":true}]}');
  const reopened = await DayLog.open<Visit>({ dir: join(dir, 'visits'), schema: Visit, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V' });
  const span = { first: Date.parse('2026-06-02T03:30:00Z'), last: Date.parse('2026-06-02T03:30:00Z') };
  const narrowed = new VisitQuery({ visits: reopened, timezone: () => 'UTC', personSpan: (p) => (p === 'C-000003' ? span : null) });
  const r = await narrowed.page({ personId: 'C-000003' });
  assert.ok(r.ok);
  assert.deepEqual(r.value.items.map((v) => v.personId), ['C-000003']);
  const unhinted = new VisitQuery({ visits: reopened, timezone: () => 'UTC' });
  await assert.rejects(unhinted.page({ personId: 'C-000003' }), /does not validate/);
});
