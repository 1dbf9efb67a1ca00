/**
 * Footfall in cloud-sync on the real PostgreSQL: hour items as the appliance sends them (absolute figures, so a
 * replay or an older state changes nothing), heartbeats carrying today's footfall, and the cross-site footfall
 * report bucketed in each site's timezone. Bad footfall items are rejected one by one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { footfallItem } from '../../device/src/sync/items.js';
import { api, makeTestDb, newOrg, siteWithDevice, startCloud, type TestDb } from './harness.js';
import { batch } from './fixtures.js';

describe('footfall in cloud-sync (PostgreSQL)', () => {
  let t: TestDb;
  let server: CloudServer;
  let url: string;
  let admin: string;
  let P: { siteId: string; deviceId: string; deviceToken: string };
  let N: { siteId: string; deviceId: string; deviceToken: string };
  const ingest = (dev: typeof P, items: unknown[]) => api(url, 'POST', '/api/ingest', dev.deviceToken, batch(dev.deviceId, dev.siteId, items));
  const hour = (iso: string, entries: number, exits: number, captured: number) => footfallItem({ hour: iso, entries, exits, captured }, Date.parse('2026-02-01T00:00:00Z'));

  before(async () => {
    t = await makeTestDb('postgres');
    ({ server, url } = await startCloud(t.db));
    admin = (await newOrg(t.db, 'Footfall org')).token;
    P = await siteWithDevice(url, admin, 'Paris', 'Europe/Paris');
    N = await siteWithDevice(url, admin, 'New York', 'America/New_York');
  });
  after(async () => {
    await server?.stop();
    await t?.cleanup();
  });

  it('keeps the newest figures of each hour; replays and older states change nothing', async () => {
    const first = await ingest(P, [hour('2026-01-05T08:00:00Z', 3, 1, 1), hour('2026-01-05T09:00:00Z', 2, 2, 0)]);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.applied, 2);
    // The hour goes on counting: 3 → 5 entries; then the older state arrives late, and a replay.
    const later = await ingest(P, [hour('2026-01-05T08:00:00Z', 5, 4, 2)]);
    assert.equal(later.body.applied, 1);
    const stale = await ingest(P, [hour('2026-01-05T08:00:00Z', 3, 1, 1), hour('2026-01-05T08:00:00Z', 5, 4, 2)]);
    assert.equal(stale.body.applied, 0);
    assert.equal(stale.body.duplicate, 2);
    // 23:30 UTC on the 5th is the 6th in Paris; 04:00 UTC on the 6th is the 5th in New York.
    await ingest(P, [hour('2026-01-05T23:00:00Z', 4, 4, 1)]);
    await ingest(N, [hour('2026-01-06T04:00:00Z', 7, 6, 3)]);

    const r = await api(url, 'GET', `/api/reports/footfall?granularity=day&from=2026-01-05&to=2026-01-06&sites=${P.siteId},${N.siteId}`, admin);
    assert.equal(r.status, 200, r.text);
    const by = (site: string, day: string) => r.body.data.find((b: { siteId: string; bucket: string }) => b.siteId === site && b.bucket === day);
    assert.deepEqual(by(P.siteId, '2026-01-05'), { siteId: P.siteId, bucket: '2026-01-05', entries: 7, exits: 6, captured: 2, captureRate: 0.286 });
    assert.deepEqual(by(P.siteId, '2026-01-06'), { siteId: P.siteId, bucket: '2026-01-06', entries: 4, exits: 4, captured: 1, captureRate: 0.25 });
    assert.deepEqual(by(N.siteId, '2026-01-05'), { siteId: N.siteId, bucket: '2026-01-05', entries: 7, exits: 6, captured: 3, captureRate: 0.429 });
    assert.deepEqual(by(N.siteId, '2026-01-06'), { siteId: N.siteId, bucket: '2026-01-06', entries: 0, exits: 0, captured: 0, captureRate: null });
    const hourly = await api(url, 'GET', `/api/reports/footfall?granularity=hour&from=2026-01-05&to=2026-01-05&sites=${P.siteId}`, admin);
    assert.equal(hourly.body.data.length, 24);
    assert.equal(hourly.body.data.find((b: { bucket: string }) => b.bucket === '2026-01-05T09:00').entries, 5, '08:00 UTC is 09:00 in Paris');
  });

  it('rejects malformed footfall items one by one and accepts heartbeats with footfall', async () => {
    const good = hour('2026-01-07T10:00:00Z', 1, 0, 0);
    const r = await ingest(P, [
      { ...good, payload: { ...good.payload, entries: -1 } },
      { ...good, key: 'ff:x', payload: { ...good.payload, hour: 'yesterday' } },
      { ...good, key: 'ff:y', payload: { hour: '2030-01-01T00:00:00Z', entries: 1, exits: 0, captured: 0 } },
      good,
    ]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.results.map((x: { status: string }) => x.status), ['rejected', 'rejected', 'rejected', 'applied']);
    assert.equal(r.body.results[2].error.code, 'future_timestamp');
    const at = new Date().toISOString();
    const hb = await ingest(P, [{
      key: `hb:${at}`, kind: 'heartbeat', at,
      payload: {
        uptimeSeconds: 5, versions: { app: '0.1.0' }, cpuLoadPercent: null, cpuTemperatureC: null, memoryUsedBytes: null, memoryTotalBytes: null,
        diskUsedBytes: null, diskTotalBytes: null, cameras: [],
        outbox: { pendingItems: 0, pendingVisits: 0, pendingBytes: 0, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false },
        footfall: { entriesToday: 12, exitsToday: 11, occupancyNow: 1, captureRateToday: 0.5 },
      },
    }]);
    assert.equal(hb.body.applied, 1, hb.text);
    const row = await t.db.query<{ f: { entriesToday: number } }>(`select last_heartbeat->'footfall' as f from devices where id = $1`, [P.deviceId]);
    assert.equal(row.rows[0].f.entriesToday, 12);
  });
});
