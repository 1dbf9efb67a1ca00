import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Db } from '../../cloud-sync/src/db/types.js';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { api, makeTestDb, newOrg, siteWithDevice, startCloud, type DbKind, type TestDb } from './harness.js';
import { batch, visit, visitItemOf } from './fixtures.js';
import { ErrorBody } from '../../device/src/contracts/errors.js';

/**
 * The cloud-sync behaviour suite; run once against the real PostgreSQL and once against PGlite
 * (see postgres.test.ts / pglite.test.ts), so both back ends are held to the same contract.
 */
export function cloudSuite(kind: DbKind): void {
  describe(`cloud-sync on ${kind}`, () => {
    let t: TestDb;
    let db: Db;
    let server: CloudServer;
    let url: string;
    let adminA: string;
    let adminB: string;
    let P: { siteId: string; deviceId: string; deviceToken: string };
    let N: { siteId: string; deviceId: string; deviceToken: string };
    let B: { siteId: string; deviceId: string; deviceToken: string };

    const count = async (sql: string, params: unknown[] = []) => (await db.query<{ n: number }>(sql, params)).rows[0].n;
    const ingest = (dev: typeof P, items: unknown[]) => api(url, 'POST', '/api/ingest', dev.deviceToken, batch(dev.deviceId, dev.siteId, items));

    // The report fixture (hand-computed expectations in the tests below). January: no DST anywhere.
    const paris = [
      visit({ id: 'p0', personId: 'C-7', arrivedAt: '2026-01-04T10:00:00Z', departedAt: '2026-01-04T10:10:00Z' }), // previous period
      visit({ id: 'p1', personId: 'C-1', arrivedAt: '2026-01-05T08:10:00Z', departedAt: '2026-01-05T08:20:00Z', age: 30, gender: 'female' }),
      visit({ id: 'p2', personId: 'C-2', arrivedAt: '2026-01-05T08:40:00Z', departedAt: '2026-01-05T09:10:00Z', age: 22, gender: 'male' }),
      // 23:30 UTC on the 5th is 00:30 on the 6th in Paris.
      visit({ id: 'p3', personId: 'C-1', arrivedAt: '2026-01-05T23:30:00Z', departedAt: '2026-01-05T23:35:00Z', returning: true, age: 31, gender: 'female' }),
      // 23:10 UTC on the 4th is 00:10 on the 5th in Paris.
      visit({ id: 'p4', personId: 'C-3', arrivedAt: '2026-01-04T23:10:00Z', departedAt: '2026-01-04T23:12:00Z' }),
      visit({ id: 's1', personId: 'S-1', kind: 'staff', arrivedAt: '2026-01-05T07:00:00Z', departedAt: '2026-01-05T15:00:00Z' }),
      visit({ id: 'p5', personId: 'C-2', arrivedAt: '2026-01-06T10:00:00Z', departedAt: null, returning: true, age: 23, gender: 'male' }),
    ];
    const newYork = [
      visit({ id: 'n1', personId: 'C-1', arrivedAt: '2026-01-06T04:30:00Z', departedAt: '2026-01-06T04:50:00Z' }), // 23:30 on the 5th local
      visit({ id: 'n2', personId: 'C-9', arrivedAt: '2026-01-06T05:30:00Z', departedAt: '2026-01-06T05:40:00Z' }), // 00:30 on the 6th
      visit({ id: 'n3', personId: 'C-9', arrivedAt: '2026-01-07T04:59:00Z', departedAt: '2026-01-07T05:10:00Z', returning: true }), // 23:59 on the 6th
      visit({ id: 'n4', personId: 'C-10', arrivedAt: '2026-01-07T05:00:00Z', departedAt: '2026-01-07T05:05:00Z' }), // 00:00 on the 7th: outside
    ];
    const period = 'from=2026-01-05&to=2026-01-06';

    before(async () => {
      t = await makeTestDb(kind);
      db = t.db;
      ({ server, url } = await startCloud(db));
      adminA = (await newOrg(db, 'Alpha')).token;
      adminB = (await newOrg(db, 'Bravo')).token;
      P = await siteWithDevice(url, adminA, 'Paris, Rivoli', 'Europe/Paris');
      N = await siteWithDevice(url, adminA, 'New York', 'America/New_York');
      B = await siteWithDevice(url, adminB, 'Bravo shop', 'Asia/Tokyo');
      const rp = await ingest(P, paris.map((v) => visitItemOf(v)));
      const rn = await ingest(N, newYork.map((v) => visitItemOf(v)));
      const rb = await ingest(B, [visitItemOf(visit({ id: 'b1', personId: 'C-1', arrivedAt: '2026-01-05T03:00:00Z', departedAt: '2026-01-05T03:30:00Z' }))]);
      for (const r of [rp, rn, rb]) assert.equal(r.status, 200, r.text);
    });
    after(async () => {
      await server.stop();
      await t.cleanup();
    });

    describe('claiming and tokens', () => {
      it('a claim code is single use', async () => {
        const site = await api(url, 'POST', '/api/sites', adminA, { name: 'Lyon', timezone: 'Europe/Paris' });
        const code = await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, adminA, { ttlMinutes: 60 });
        assert.match(code.body.code, /^[A-HJKMNP-Z2-9]{8}$/);
        const first = await api(url, 'POST', '/api/claim', null, { claimCode: code.body.code.toLowerCase() });
        assert.equal(first.status, 201);
        assert.equal(first.body.siteId, site.body.id);
        assert.equal(first.body.timezone, 'Europe/Paris');
        const second = await api(url, 'POST', '/api/claim', null, { claimCode: code.body.code });
        assert.equal(second.status, 403);
        assert.equal(second.body.error.code, 'invalid_claim_code');
      });

      it('an expired claim code is refused', async () => {
        const code = await api(url, 'POST', `/api/sites/${P.siteId}/claim-codes`, adminA, {});
        await db.query(`update claim_codes set expires_at = now() - interval '1 second' where code = $1`, [code.body.code]);
        const r = await api(url, 'POST', '/api/claim', null, { claimCode: code.body.code });
        assert.equal(r.status, 403);
        assert.equal(await count('select count(*)::int as n from devices where claim_code = $1', [code.body.code]), 0);
      });

      it('a malformed claim code is a 400 with a typed error', async () => {
        const r = await api(url, 'POST', '/api/claim', null, { claimCode: '!!' });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'invalid_request');
      });

      it('wrong tokens are refused, and a revoked device token stops working', async () => {
        const item = visitItemOf(visit({ id: 'r1', personId: 'C-50', arrivedAt: '2026-02-01T10:00:00Z', departedAt: '2026-02-01T10:05:00Z' }));
        const wrong = await api(url, 'POST', '/api/ingest', 'cvad_not-a-token', batch(P.deviceId, P.siteId, [item]));
        assert.equal(wrong.status, 401);
        const noAuth = await api(url, 'POST', '/api/ingest', null, batch(P.deviceId, P.siteId, [item]));
        assert.equal(noAuth.status, 401);
        // A user token is not a device token.
        const userTok = await api(url, 'POST', '/api/ingest', adminA, batch(P.deviceId, P.siteId, [item]));
        assert.equal(userTok.status, 401);
        const extra = await siteWithDevice(url, adminA, 'Revoked shop', 'UTC');
        assert.equal((await ingest(extra, [item])).status, 200);
        assert.equal((await api(url, 'POST', `/api/devices/${extra.deviceId}/revoke`, adminA)).status, 204);
        const after = await ingest(extra, [visitItemOf(visit({ id: 'r2', personId: 'C-51', arrivedAt: '2026-02-01T11:00:00Z', departedAt: '2026-02-01T11:05:00Z' }))]);
        assert.equal(after.status, 401);
        assert.equal(await count(`select count(*)::int as n from visits where device_id = $1`, [extra.deviceId]), 1);
      });
    });

    describe('ingest', () => {
      it('a replayed batch changes nothing', async () => {
        const items = [1, 2, 3].map((i) =>
          visitItemOf(visit({ id: `rep${i}`, personId: `C-${100 + i}`, arrivedAt: `2026-03-0${i}T10:00:00Z`, departedAt: `2026-03-0${i}T10:30:00Z` })),
        );
        const first = await ingest(P, items);
        assert.deepEqual([first.body.applied, first.body.duplicate, first.body.rejected], [3, 0, 0]);
        const before = await db.query(`select visit_id, received_at from visits where visit_id like 'rep%' order by visit_id`);
        const second = await ingest(P, items);
        assert.equal(second.status, 200);
        assert.deepEqual([second.body.applied, second.body.duplicate, second.body.rejected], [0, 3, 0]);
        const afterRows = await db.query(`select visit_id, received_at from visits where visit_id like 'rep%' order by visit_id`);
        assert.deepEqual(afterRows.rows, before.rows);
      });

      it('visit events update one row; an older event arriving late changes nothing', async () => {
        const open = visit({ id: 'life', personId: 'C-200', arrivedAt: '2026-03-10T10:00:00Z', departedAt: null });
        const closed = visit({ id: 'life', personId: 'C-200', arrivedAt: '2026-03-10T10:00:00Z', departedAt: '2026-03-10T10:20:00Z' });
        const r1 = await ingest(P, [visitItemOf(closed, 'end')]);
        assert.equal(r1.body.applied, 1);
        const r2 = await ingest(P, [visitItemOf(open, 'new')]);
        assert.equal(r2.body.results[0].status, 'duplicate');
        const row = (await db.query<{ status: string; dwell_seconds: number; n: number }>(
          `select status, dwell_seconds, count(*) over ()::int as n from visits where visit_id = 'life'`,
        )).rows[0];
        assert.deepEqual([row.status, row.dwell_seconds, row.n], ['closed', 1200, 1]);
      });

      it('a bad item is rejected on its own; its valid neighbours are applied', async () => {
        const good = visitItemOf(visit({ id: 'mix-ok', personId: 'C-300', arrivedAt: '2026-03-11T10:00:00Z', departedAt: '2026-03-11T10:05:00Z' }));
        const wrongType = JSON.parse(JSON.stringify(visitItemOf(visit({ id: 'mix-bad', personId: 'C-301', arrivedAt: '2026-03-11T11:00:00Z', departedAt: '2026-03-11T11:05:00Z' }))));
        wrongType.payload.visit.dwellSeconds = 'long';
        const future = new Date(Date.now() + 3600_000).toISOString();
        const fut = visitItemOf(visit({ id: 'mix-future', personId: 'C-302', arrivedAt: future, departedAt: null }));
        const r = await ingest(P, [good, wrongType, fut, { nonsense: true }]);
        assert.equal(r.status, 200);
        assert.deepEqual(r.body.results.map((x: any) => x.status), ['applied', 'rejected', 'rejected', 'rejected']);
        assert.equal(r.body.results[1].error.code, 'invalid_item');
        assert.match(r.body.results[1].error.message, /dwellSeconds/);
        assert.equal(r.body.results[2].error.code, 'future_timestamp');
        assert.equal(await count(`select count(*)::int as n from visits where visit_id like 'mix-%'`), 1);
      });

      it('malformed JSON, a wrong envelope, an oversize batch and a foreign site are refused whole', async () => {
        const before = await count('select count(*)::int as n from visits');
        const malformed = await api(url, 'POST', '/api/ingest', P.deviceToken, undefined, '{"deviceId": ');
        assert.equal(malformed.status, 400);
        assert.equal(malformed.body.error.code, 'malformed_json');
        const envelope = await api(url, 'POST', '/api/ingest', P.deviceToken, { deviceId: P.deviceId, siteId: P.siteId, batchId: 7, items: 'x' });
        assert.equal(envelope.status, 400);
        assert.equal(envelope.body.error.code, 'invalid_batch');
        const one = visitItemOf(visit({ id: 'big', personId: 'C-400', arrivedAt: '2026-03-12T10:00:00Z', departedAt: '2026-03-12T10:01:00Z' }));
        const oversize = await ingest(P, new Array(1001).fill(one));
        assert.equal(oversize.status, 413);
        assert.equal(oversize.body.error.code, 'batch_too_large');
        const foreign = await api(url, 'POST', '/api/ingest', P.deviceToken, batch(P.deviceId, N.siteId, [one]));
        assert.equal(foreign.status, 403);
        assert.equal(foreign.body.error.code, 'unknown_site');
        const unknown = await api(url, 'POST', '/api/ingest', P.deviceToken, batch(P.deviceId, 'site_doesnotexist', [one]));
        assert.equal(unknown.status, 403);
        const otherDevice = await api(url, 'POST', '/api/ingest', P.deviceToken, batch(N.deviceId, P.siteId, [one]));
        assert.equal(otherDevice.status, 403);
        assert.equal(otherDevice.body.error.code, 'device_mismatch');
        assert.equal(await count('select count(*)::int as n from visits'), before);
      });

      it('the shared error handler answers with the appliance\'s codes: oversize body, unknown route', async () => {
        const huge = await api(url, 'POST', '/api/ingest', P.deviceToken, undefined, JSON.stringify({ pad: 'x'.repeat(9 * 1024 * 1024) }));
        assert.equal(huge.status, 413);
        assert.equal(ErrorBody.parse(huge.body).error.code, 'payload_too_large');
        // Other paths than /api belong to HQ's page (client-side routes), so the unknown route is an API one.
        const missing = await api(url, 'GET', '/api/nothing-here', adminA);
        assert.equal(missing.status, 404);
        assert.equal(ErrorBody.parse(missing.body).error.code, 'not_found');
      });

      it('visits land in monthly partitions created on demand', async () => {
        await ingest(P, [visitItemOf(visit({ id: 'part', personId: 'C-500', arrivedAt: '2025-07-15T10:00:00Z', departedAt: '2025-07-15T10:01:00Z' }))]);
        const r = await db.query<{ t: string }>(`select tableoid::regclass::text as t from visits where visit_id = 'part'`);
        assert.match(r.rows[0].t, /visits_y2025m07$/);
      });
    });

    describe('fleet', () => {
      it('heartbeats and camera status make a device online with its figures; an old heartbeat means offline', async () => {
        const hb = (at: Date, temp: number) => ({
          key: `hb:${at.toISOString()}`, kind: 'heartbeat', at: at.toISOString(),
          payload: {
            uptimeSeconds: 100, versions: { app: '0.1.0', node: 'v20' }, cpuLoadPercent: 12.5, cpuTemperatureC: temp,
            memoryUsedBytes: 1e9, memoryTotalBytes: 4e9, diskUsedBytes: 1e10, diskTotalBytes: 3e10, cameras: [],
            outbox: { pendingItems: 4, pendingVisits: 3, pendingBytes: 2000, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false },
          },
        });
        const cam = {
          key: 'cam:door:1', kind: 'cameraStatus', at: new Date().toISOString(),
          payload: { cameraId: 'door', state: 'error', lastError: 'auth failed', decoder: null, inputFps: 0, analysedFps: 0, droppedFrames: 0, decodeErrors: 0, reconnects: 3, lastFrameAgeMs: null, width: null, height: null },
        };
        const r = await ingest(P, [hb(new Date(Date.now() - 10_000), 55.5), cam]);
        assert.equal(r.body.applied, 2);
        await ingest(N, [hb(new Date(), 40)]);
        // Four minutes pass without a heartbeat from N (online is judged on the service's clock).
        await db.query(`update devices set last_heartbeat_at = now() - interval '4 minutes' where id = $1`, [N.deviceId]);
        const fleet = await api(url, 'GET', '/api/fleet/devices', adminA);
        const p = fleet.body.devices.find((d: any) => d.deviceId === P.deviceId);
        const n = fleet.body.devices.find((d: any) => d.deviceId === N.deviceId);
        assert.equal(p.online, true);
        assert.equal(p.cpuTemperatureC, 55.5);
        assert.equal(p.versions.app, '0.1.0');
        assert.equal(p.outbox.pendingVisits, 3);
        assert.deepEqual(p.cameras.map((c: any) => [c.cameraId, c.state, c.lastError]), [['door', 'error', 'auth failed']]);
        assert.equal(n.online, false);
        assert.ok(n.lastHeartbeatAt);
        // Replaying the heartbeat changes nothing.
        const again = await ingest(P, [cam]);
        assert.equal(again.body.duplicate, 1);
        // A late, older heartbeat (a backlog drained after an outage) does not replace the newest figures.
        await ingest(P, [hb(new Date(Date.now() - 3_600_000), 99)]);
        const later = await api(url, 'GET', `/api/fleet/devices?sites=${P.siteId}`, adminA);
        assert.equal(later.body.devices.find((d: any) => d.deviceId === P.deviceId).cpuTemperatureC, 55.5);
      });
    });

    describe('reports (hand-computed from the fixture)', () => {
      it('daily visits per site in each site\'s timezone', async () => {
        const r = await api(url, 'GET', `/api/reports/visits?granularity=day&${period}&sites=${P.siteId},${N.siteId}`, adminA);
        assert.equal(r.status, 200, r.text);
        const rows = Object.fromEntries(r.body.data.map((x: any) => [`${x.siteId === P.siteId ? 'P' : 'N'} ${x.bucket}`, [x.visits, x.uniqueVisitors, x.newVisitors, x.returningVisitors, x.staffVisits]]));
        assert.deepEqual(rows, {
          'P 2026-01-05': [3, 3, 3, 0, 1],
          'P 2026-01-06': [2, 2, 0, 2, 0],
          'N 2026-01-05': [1, 1, 1, 0, 0],
          'N 2026-01-06': [2, 1, 1, 1, 0],
        });
      });

      it('hourly, weekly and monthly buckets', async () => {
        const h = await api(url, 'GET', `/api/reports/visits?granularity=hour&${period}&sites=${P.siteId}`, adminA);
        assert.equal(h.body.data.length, 48);
        const nonZero = h.body.data.filter((x: any) => x.visits > 0).map((x: any) => [x.bucket, x.visits]);
        assert.deepEqual(nonZero, [['2026-01-05T00:00', 1], ['2026-01-05T09:00', 2], ['2026-01-06T00:00', 1], ['2026-01-06T11:00', 1]]);
        const w = await api(url, 'GET', `/api/reports/visits?granularity=week&${period}&sites=${P.siteId}`, adminA);
        assert.deepEqual(w.body.data.map((x: any) => [x.bucket, x.visits, x.uniqueVisitors]), [['2026-01-05', 5, 3]]);
        const m = await api(url, 'GET', `/api/reports/visits?granularity=month&${period}&sites=${N.siteId}`, adminA);
        assert.deepEqual(m.body.data.map((x: any) => [x.bucket, x.visits, x.uniqueVisitors]), [['2026-01', 3, 2]]);
      });

      it('summary: unique visitors, new vs returning, dwell median and mean', async () => {
        const r = await api(url, 'GET', `/api/reports/summary?${period}&sites=${P.siteId}`, adminA);
        const s = r.body.data[0];
        // Closed dwells 120, 300, 600, 1800 s: the exact median is 450 s; read from the fine bins it is the mean of
        // the middles of [300, 310) and [600, 630), 460 s, within half the coarser bin (15 s) of 450.
        assert.deepEqual(
          [s.visits, s.uniqueVisitors, s.newVisitors, s.returningVisitors, s.staffVisits, s.medianDwellSeconds, s.medianDwellResolutionSeconds, s.meanDwellSeconds],
          [5, 3, 3, 2, 1, 460, 30, 705],
        );
      });

      it('dwell distribution', async () => {
        const r = await api(url, 'GET', `/api/reports/dwell?${period}&sites=${P.siteId}`, adminA);
        assert.deepEqual(r.body.data.bins.map((b: any) => b.visits), [0, 1, 2, 0, 1, 0]);
        assert.deepEqual([r.body.data.medianSeconds, r.body.data.medianResolutionSeconds], [460, 30]);
      });

      it('staff attendance hours', async () => {
        const r = await api(url, 'GET', `/api/reports/staff-attendance?${period}&sites=${P.siteId}`, adminA);
        assert.deepEqual(r.body.data.map((x: any) => [x.personId, x.day, x.hours, x.firstIn, x.lastOut]), [['S-1', '2026-01-05', 8, '08:00', '16:00']]);
      });

      it('demographics', async () => {
        const r = await api(url, 'GET', `/api/reports/demographics?${period}&sites=${P.siteId}`, adminA);
        const bands = Object.fromEntries(r.body.data.ageBands.filter((b: any) => b.total).map((b: any) => [b.band, [b.male, b.female, b.total]]));
        assert.deepEqual(bands, { '18-24': [2, 0, 2], '25-34': [0, 2, 2] });
        assert.equal(r.body.data.unknownAge, 1);
        assert.deepEqual(r.body.data.gender, { male: 2, female: 2, unknown: 1 });
      });

      it('weekday × hour heatmap and peak hours', async () => {
        const r = await api(url, 'GET', `/api/reports/heatmap?${period}&sites=${P.siteId}`, adminA);
        const cells: number[][] = r.body.data.cells;
        assert.equal(cells[0][0], 1);
        assert.equal(cells[0][9], 2);
        assert.equal(cells[1][0], 1);
        assert.equal(cells[1][11], 1);
        assert.equal(cells.flat().reduce((a, b) => a + b, 0), 5);
        const p = await api(url, 'GET', `/api/reports/peak-hours?${period}&sites=${P.siteId}`, adminA);
        assert.deepEqual(p.body.data.map((x: any) => [x.hour, x.visits]), [[0, 2], [9, 2], [11, 1]]);
      });

      it('comparison with the previous period', async () => {
        const r = await api(url, 'GET', `/api/reports/comparison?${period}&sites=${P.siteId},${N.siteId}`, adminA);
        assert.deepEqual(r.body.data.previous, { from: '2026-01-03', to: '2026-01-04' });
        const bySite = Object.fromEntries(r.body.data.sites.map((s: any) => [s.siteId, s]));
        assert.deepEqual([bySite[P.siteId].visits, bySite[P.siteId].previousVisits, bySite[P.siteId].visitsChangePercent], [5, 1, 400]);
        assert.deepEqual([bySite[N.siteId].visits, bySite[N.siteId].previousVisits, bySite[N.siteId].visitsChangePercent], [3, 0, null]);
      });

      it('CSV export streams every row of the period with local times and RFC 4180 quoting', async () => {
        const r = await api(url, 'GET', `/api/reports/visits.csv?${period}&sites=${P.siteId},${N.siteId}`, adminA);
        assert.equal(r.status, 200);
        assert.match(r.headers.get('content-type') ?? '', /text\/csv/);
        const lines = r.text.trimEnd().split('\r\n');
        assert.equal(lines[0].split(',')[0], 'site_id');
        assert.equal(lines.length, 1 + 6 + 3);
        const p3 = lines.find((l) => l.includes(',p3,'))!;
        assert.ok(p3.includes('"Paris, Rivoli"'));
        assert.ok(p3.includes('2026-01-06 00:30:00'));
        assert.ok(!lines.some((l) => l.includes(',n4,')));
      });

      it('a daylight-saving day: 24 local hour buckets, the skipped hour empty, arrivals in local time', async () => {
        // 2026-03-29 in Paris: 02:00 CET jumps to 03:00 CEST. 01:30 UTC is 03:30 local.
        const dst = visit({ id: 'dst', personId: 'C-900', arrivedAt: '2026-03-29T01:30:00Z', departedAt: '2026-03-29T01:40:00Z' });
        assert.equal((await ingest(P, [visitItemOf(dst)])).body.applied, 1);
        const h = await api(url, 'GET', `/api/reports/visits?granularity=hour&from=2026-03-29&to=2026-03-29&sites=${P.siteId}`, adminA);
        assert.equal(h.body.data.length, 24);
        assert.deepEqual(h.body.data.filter((x: any) => x.visits).map((x: any) => x.bucket), ['2026-03-29T03:00']);
        assert.equal(h.body.data.find((x: any) => x.bucket === '2026-03-29T02:00').visits, 0);
        const d = await api(url, 'GET', `/api/reports/visits?granularity=day&from=2026-03-28&to=2026-03-29&sites=${P.siteId}`, adminA);
        assert.deepEqual(d.body.data.map((x: any) => [x.bucket, x.visits]), [['2026-03-28', 0], ['2026-03-29', 1]]);
      });

      it('unidentified visitors are counted apart: identified vs unidentified, never as customers', async () => {
        // A real face the box could not identify, 10:30 on the 6th in Paris.
        const u = { ...visit({ id: 'u1', personId: 'U-door-7', arrivedAt: '2026-01-06T09:30:00Z', departedAt: '2026-01-06T09:31:00Z' }), kind: 'unidentified' as const };
        assert.equal((await ingest(P, [visitItemOf(u)])).body.applied, 1);
        const s = (await api(url, 'GET', `/api/reports/summary?${period}&sites=${P.siteId}`, adminA)).body.data[0];
        assert.deepEqual([s.visits, s.staffVisits, s.identifiedVisits, s.unidentifiedVisits], [5, 1, 6, 1]);
        const days = (await api(url, 'GET', `/api/reports/visits?granularity=day&${period}&sites=${P.siteId}`, adminA)).body.data;
        assert.deepEqual(days.map((x: any) => [x.bucket, x.visits, x.identifiedVisits, x.unidentifiedVisits]), [['2026-01-05', 3, 4, 0], ['2026-01-06', 2, 2, 1]]);
        const hours = (await api(url, 'GET', `/api/reports/visits?granularity=hour&${period}&sites=${P.siteId}`, adminA)).body.data;
        assert.deepEqual(hours.filter((x: any) => x.unidentifiedVisits).map((x: any) => [x.bucket, x.unidentifiedVisits]), [['2026-01-06T10:00', 1]]);
        await db.query(`delete from visits where visit_id = 'u1'`);
      });

      it('bad report parameters are typed 400s', async () => {
        assert.equal((await api(url, 'GET', `/api/reports/summary?from=2026-01-5&to=2026-01-06`, adminA)).body.error.code, 'invalid_range');
        assert.equal((await api(url, 'GET', `/api/reports/summary?from=2026-01-06&to=2026-01-05`, adminA)).status, 400);
        assert.equal((await api(url, 'GET', `/api/reports/summary?from=2024-01-01&to=2026-01-05`, adminA)).status, 400);
        assert.equal((await api(url, 'GET', `/api/reports/visits?granularity=year&${period}`, adminA)).body.error.code, 'invalid_granularity');
      });
    });

    describe('isolation', () => {
      it('organisation A never sees B through any route', async () => {
        const bSite = B.siteId;
        for (const path of ['summary', 'visits', 'dwell', 'demographics', 'heatmap', 'peak-hours', 'comparison', 'staff-attendance', 'visits.csv']) {
          const r = await api(url, 'GET', `/api/reports/${path}?${period}&sites=${bSite}`, adminA);
          assert.equal(r.status, 404, path);
        }
        const all = await api(url, 'GET', `/api/reports/summary?${period}`, adminA);
        assert.ok(!all.body.data.some((s: any) => s.siteId === bSite));
        const sites = await api(url, 'GET', '/api/sites', adminA);
        assert.ok(!sites.body.sites.some((s: any) => s.id === bSite));
        const fleet = await api(url, 'GET', '/api/fleet/devices', adminA);
        assert.ok(!fleet.body.devices.some((d: any) => d.deviceId === B.deviceId));
        assert.equal((await api(url, 'GET', `/api/fleet/devices?sites=${bSite}`, adminA)).status, 404);
        assert.equal((await api(url, 'POST', `/api/sites/${bSite}/claim-codes`, adminA, {})).status, 404);
        assert.equal((await api(url, 'POST', `/api/devices/${B.deviceId}/revoke`, adminA)).status, 404);
        const csv = await api(url, 'GET', `/api/reports/visits.csv?${period}`, adminA);
        assert.ok(!csv.text.includes(bSite));
        // And B sees its own visit only.
        const b = await api(url, 'GET', `/api/reports/summary?${period}`, adminB);
        assert.deepEqual(b.body.data.map((s: any) => [s.siteId, s.visits]), [[bSite, 1]]);
      });

      it('a regional manager sees only their sites; an analyst reads but cannot administer', async () => {
        const rm = await api(url, 'POST', '/api/users', adminA, { email: 'rm@alpha.example', role: 'regional_manager', siteIds: [P.siteId] });
        assert.equal(rm.status, 201, rm.text);
        const tok = rm.body.token;
        const me = await api(url, 'GET', '/api/me', tok);
        assert.deepEqual(me.body.siteIds, [P.siteId]);
        const sum = await api(url, 'GET', `/api/reports/summary?${period}`, tok);
        assert.deepEqual(sum.body.data.map((s: any) => s.siteId), [P.siteId]);
        assert.equal((await api(url, 'GET', `/api/reports/visits?${period}&sites=${N.siteId}`, tok)).status, 404);
        const fleet = await api(url, 'GET', '/api/fleet/devices', tok);
        assert.deepEqual(fleet.body.devices.map((d: any) => d.siteId), [P.siteId]);
        const csv = await api(url, 'GET', `/api/reports/visits.csv?${period}`, tok);
        assert.equal(csv.text.trimEnd().split('\r\n').length, 1 + 6);
        assert.equal((await api(url, 'POST', '/api/sites', tok, { name: 'x', timezone: 'UTC' })).status, 403);
        const an = await api(url, 'POST', '/api/users', adminA, { email: 'an@alpha.example', role: 'analyst' });
        const anSum = await api(url, 'GET', `/api/reports/summary?${period}&sites=${P.siteId},${N.siteId}`, an.body.token);
        assert.equal(anSum.body.data.length, 2);
        assert.equal((await api(url, 'POST', `/api/sites/${P.siteId}/claim-codes`, an.body.token, {})).status, 403);
        // A revoked user token stops working at once; B's admin cannot revoke A's users.
        assert.equal((await api(url, 'POST', `/api/users/${an.body.id}/revoke`, adminB)).status, 404);
        assert.equal((await api(url, 'POST', `/api/users/${an.body.id}/revoke`, adminA)).status, 204);
        assert.equal((await api(url, 'GET', '/api/me', an.body.token)).status, 401);
        // Giving a regional manager a foreign site is refused.
        const foreign = await api(url, 'POST', '/api/users', adminA, { email: 'rm2@alpha.example', role: 'regional_manager', siteIds: [B.siteId] });
        assert.equal(foreign.status, 404);
      });

      it('an unknown time zone is refused', async () => {
        const r = await api(url, 'POST', '/api/sites', adminA, { name: 'Mars', timezone: 'Mars/Olympus' });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'invalid_timezone');
      });
    });
  });
}
