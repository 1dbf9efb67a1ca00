import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { PersonStats, PersonStatsData } from '../../device/src/visits/person-stats.js';
import { VisitTracker, visitSettingsOf } from '../../device/src/visits/visit-tracker.js';
import { VisitQuery } from '../../device/src/visits/visit-query.js';
import { bindVisits } from '../../device/src/services/bindings.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { Client, setUpAdmin, startHarness, userClient, type Harness } from './harness.js';

const MIN = 60_000;

describe('visits, CSV export and local reports on the real visit tracker and store', () => {
  let h: Harness;
  let admin: Client;
  let tracker: VisitTracker;
  const clock = new ManualClock(Date.parse('2026-11-20T09:00:00Z'));
  /** Age and gender as the real engine estimates them from each person's photo. */
  const demo: Record<string, { age: number | null; gender: 'male' | 'female' | null }> = {};

  before(async () => {
    const engine = await FaceEngine.create();
    try {
      for (const [id, who] of [['C-000001', 'raj'], ['C-000002', 'bernadette'], ['S-000001', 'penny']]) {
        const [f] = await engine.analyze(join(facesDataDir(), 'identities', who, '1.png'));
        demo[id] = { age: f.age, gender: f.gender?.value ?? null };
      }
    } finally {
      await engine.release();
    }
    h = await startHarness({
      late: async ({ store, bus, settings }) => {
        tracker = new VisitTracker({
          visits: store.visits,
          visitEvents: store.visitEvents,
          stats: new PersonStats(await store.document('person-stats', PersonStatsData, {})),
          crops: store.crops,
          bus,
          clock,
          settings: visitSettingsOf(settings.get()),
          tickMs: 3_600_000,
        });
        await tracker.start();
        // As the composition root does: the site's timezone is set later, at set-up.
        settings.onChange((next) => tracker.onSettingsChanged(next));
        return { visits: bindVisits(new VisitQuery({ visits: store.visits, live: () => tracker.openVisits(), timezone: () => tracker.timezone })) };
      },
    });
    admin = await setUpAdmin(h); // site timezone Europe/Berlin
    // One day at the shop, in order (UTC): staff all morning, two customers, one of them back after lunch.
    const timeline: [string, string][] = [
      ['09:00', 'S-000001'],
      ['09:05', 'C-000001'],
      ['09:12', 'C-000001'], // 7 minutes
      ['09:20', 'C-000002'],
      ['09:21', 'C-000002'], // 1 minute
      ['09:30', 'S-000001'],
      ['14:00', 'C-000001'], // returns
      ['14:20', 'C-000001'],
      ['14:40', 'C-000001'], // 40 minutes
    ];
    for (const [hhmm, personId] of timeline) {
      clock.set(Date.parse(`2026-11-20T${hhmm}:00Z`));
      await tracker.tick(); // closes visits whose gap has passed, as the tracker's timer would
      const r = await tracker.observe({ personId, kind: personId.startsWith('S-') ? 'staff' : 'customer', cameraId: 'door', at: clock.now(), ...demo[personId], quality: 0.6 });
      assert.ok(r.ok);
    }
    clock.set(Date.parse('2026-11-20T16:00:00Z'));
    await tracker.tick();
  });
  after(async () => {
    await tracker.stop();
    await h.close();
  });

  it('lists visits newest first with filters and stable cursor paging', async () => {
    const all = await admin.json('GET', '/api/v1/visits');
    assert.equal(all.status, 200);
    assert.equal(all.body.items.length, 4);
    const arrivals = all.body.items.map((v: any) => v.arrivedAt);
    assert.deepEqual(arrivals, [...arrivals].sort().reverse());
    const customers = await admin.json('GET', '/api/v1/visits?kind=customer');
    assert.equal(customers.body.items.length, 3);
    const raj = await admin.json('GET', '/api/v1/visits?personId=C-000001');
    assert.deepEqual(raj.body.items.map((v: any) => [v.visitNumber, v.returning]), [[2, true], [1, false]]);
    const returning = await admin.json('GET', '/api/v1/visits?kind=customer&returning=true');
    assert.deepEqual(returning.body.items.map((v: any) => [v.personId, v.visitNumber]), [['C-000001', 2]]);
    const firsts = await admin.json('GET', '/api/v1/visits?kind=customer&returning=false');
    assert.equal(firsts.body.items.length, 2);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await admin.json('GET', `/api/v1/visits?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((v: any) => v.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, all.body.items.map((v: any) => v.id));

    for (const bad of ['kind=alien', 'limit=0', 'cursor=%2F%2F', 'from=yesterday', 'colour=red', 'returning=maybe']) {
      const r = await admin.json('GET', `/api/v1/visits?${bad}`);
      assert.equal(r.status, 400, bad);
      assert.ok(r.body.error.message, bad);
    }
  });

  it('exports CSV (streamed, audited) for managers but not viewers', async () => {
    const viewer = await userClient(h, admin, 'vin', 'viewer');
    assert.equal((await viewer.json('GET', '/api/v1/visits/export.csv')).status, 403);
    const res = await admin.fetch('GET', '/api/v1/visits/export.csv?kind=customer');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /^text\/csv/);
    assert.match(res.headers.get('content-disposition')!, /visits\.csv/);
    const lines = (await res.text()).trim().split('\n');
    assert.match(lines[0], /personId/);
    assert.equal(lines.length, 1 + 3);
    assert.ok(lines.slice(1).every((l) => l.includes('C-00000')));
    const audit = (await admin.json('GET', '/api/v1/audit?limit=20')).body.items;
    const entry = audit.find((e: any) => e.action === 'visits.exported');
    assert.equal(entry.actor.name, 'alice');
    assert.deepEqual(entry.details.filters, { kind: 'customer' });
  });

  it('reports come from the stored visits in the site timezone', async () => {
    const r = await admin.json('GET', '/api/v1/reports/local?from=2026-11-19T23:00:00Z&to=2026-11-20T23:00:00Z');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const rep = r.body;
    assert.equal(rep.empty, false);
    assert.equal(rep.timezone, 'Europe/Berlin');
    assert.deepEqual(rep.customers, { visits: 3, uniqueCustomers: 2, newVisits: 2, returningVisits: 1 });
    assert.equal(rep.staff.visits, 1);
    assert.equal(rep.byHour.length, 24);
    assert.equal(rep.byHour[10], 2, 'two arrivals 10:xx Berlin');
    assert.equal(rep.byHour[15], 1, 'the return at 15:00 Berlin');
    // 2026-11-20 is a Friday: weekday row 4 (Monday = 0) of the heatmap holds the same hours.
    assert.deepEqual(rep.byWeekdayHour.map((row: number[]) => row.reduce((a, b) => a + b, 0)), [0, 0, 0, 0, 3, 0, 0]);
    assert.equal(rep.byWeekdayHour[4][10], 2);
    assert.deepEqual(rep.byDay.map((d: any) => [d.date, d.visits]), [['2026-11-20', 3]]);
    assert.equal(rep.dwell.buckets.reduce((a: number, b: any) => a + b.visits, 0), 3);
    const g = rep.demographics.gender;
    assert.equal(g.male + g.female + g.unknown, 3);
    const expectedMale = ['C-000001', 'C-000001', 'C-000002'].filter((id) => demo[id].gender === 'male').length;
    assert.equal(g.male, expectedMale, 'gender counts follow the engine estimates');
  });

  it('an empty range says so instead of inventing numbers', async () => {
    const r = await admin.json('GET', '/api/v1/reports/local?from=2026-10-01T00:00:00Z&to=2026-10-08T00:00:00Z');
    assert.equal(r.status, 200);
    assert.equal(r.body.empty, true);
    assert.deepEqual([r.body.byHour, r.body.byWeekdayHour, r.body.byDay, r.body.dwell.buckets, r.body.demographics.ageBands], [[], [], [], [], []]);
    assert.equal(r.body.dwell.medianSeconds, null);
    const bad = await admin.json('GET', '/api/v1/reports/local?from=2026-10-08T00:00:00Z&to=2026-10-01T00:00:00Z');
    assert.equal(bad.status, 400);
  });
});
