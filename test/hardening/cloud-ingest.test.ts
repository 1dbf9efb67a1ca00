// Defects 7, 8, 9 (cloud ingest, real PostgreSQL): one bad item never fails its batch; accepted dates are
// bounded so one device cannot create partitions without end; the visit id is a visit's identity.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { MAX_VISIT_DAYS_BEFORE_CLAIM } from '../../device/src/contracts/sync.js';
import { api, makeTestDb, newOrg, siteWithDevice, startCloud, type TestDb } from '../cloud/harness.js';
import { batch, visit, visitItemOf } from '../cloud/fixtures.js';

describe('cloud ingest hardening (real PostgreSQL)', () => {
  let t: TestDb;
  let server: CloudServer;
  let url: string;
  let dev: Awaited<ReturnType<typeof siteWithDevice>>;
  const ingest = (items: unknown[]) => api(url, 'POST', '/api/ingest', dev.deviceToken, batch(dev.deviceId, dev.siteId, items));
  const rows = async (id: string) =>
    (await t.db.query<{ status: string; arrived_at: Date; detections: number }>('select status, arrived_at, detections from visits where visit_id = $1', [id])).rows;
  const day = (offsetDays: number) => new Date(Date.now() - offsetDays * 86_400_000).toISOString();

  before(async () => {
    t = await makeTestDb('postgres');
    ({ server, url } = await startCloud(t.db));
    const admin = (await newOrg(t.db, 'Hardening')).token;
    dev = await siteWithDevice(url, admin, 'Hard shop', 'Europe/Paris');
  });
  after(async () => {
    await server.stop();
    await t.cleanup();
  });

  it('huge counters, a NUL in an id and year 0001 are rejected one by one; the good items are applied', async () => {
    const good = visitItemOf(visit({ id: 'ok-1', personId: 'C-1', arrivedAt: day(2), departedAt: day(2) }));
    const huge = structuredClone(visitItemOf(visit({ id: 'huge', personId: 'C-2', arrivedAt: day(2), departedAt: day(2) }))) as any;
    huge.payload.visit.detections = 3e9;
    const nul = structuredClone(visitItemOf(visit({ id: 'nul', personId: 'C-3', arrivedAt: day(2), departedAt: day(2) }))) as any;
    nul.payload.visit.id = 'bad\u0000id';
    const ancient = visitItemOf(visit({ id: 'ancient', personId: 'C-4', arrivedAt: '0001-01-01T00:00:00.000Z', departedAt: '0001-01-01T00:10:00.000Z' }));
    const nulHeartbeatKey = { key: 'hb-nul', kind: 'cameraStatus', at: day(1), payload: { cameraId: 'door', state: 'running', lastError: 'x\u0000y', decoder: null, inputFps: 1, analysedFps: 1, droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: null, width: null, height: null } };
    const good2 = visitItemOf(visit({ id: 'ok-2', personId: 'C-5', arrivedAt: day(1), departedAt: day(1) }));
    const r = await ingest([good, huge, nul, ancient, nulHeartbeatKey, good2]);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.results.map((x: any) => x.status), ['applied', 'rejected', 'rejected', 'rejected', 'rejected', 'applied']);
    assert.deepEqual(r.body.results.map((x: any) => x.error?.code ?? null), [null, 'invalid_item', 'invalid_item', 'too_old', 'invalid_item', null]);
    assert.equal((await rows('ok-1')).length, 1);
    assert.equal((await rows('ok-2')).length, 1);
    assert.equal((await rows('huge')).length, 0);
  });

  it(`visits more than ${MAX_VISIT_DAYS_BEFORE_CLAIM} days before the claim are refused: 200 past months cannot make 200 partitions`, async () => {
    const partitions = async () =>
      (await t.db.query<{ n: number }>(`select count(*)::int as n from pg_inherits where inhparent = 'visits'::regclass`)).rows[0].n;
    const before = await partitions();
    const now = new Date();
    const items = Array.from({ length: 200 }, (_, m) => {
      const at = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - m - 1, 15, 10)).toISOString();
      return visitItemOf(visit({ id: `month-${m}`, personId: `C-${1000 + m}`, arrivedAt: at, departedAt: at }));
    });
    const r = await ingest(items);
    assert.equal(r.status, 200, r.text);
    const bound = Math.ceil(MAX_VISIT_DAYS_BEFORE_CLAIM / 28) + 1;
    assert.ok(r.body.rejected >= 200 - bound, `rejected ${r.body.rejected}`);
    assert.ok(r.body.results.filter((x: any) => x.status === 'rejected').every((x: any) => x.error.code === 'too_old'));
    assert.ok((await partitions()) - before <= bound, `partitions created: ${(await partitions()) - before}`);
  });

  it('a visit resent with a different arrivedAt stays one row (the newest state wins; an older one changes nothing)', async () => {
    const arrived = day(3);
    const open = visitItemOf(visit({ id: 'moving', personId: 'C-9', arrivedAt: arrived, departedAt: null }));
    assert.equal((await ingest([open])).body.applied, 1);
    const movedArrival = new Date(Date.parse(arrived) + 2_500).toISOString();
    const closed = visit({ id: 'moving', personId: 'C-9', arrivedAt: movedArrival, departedAt: new Date(Date.parse(arrived) + 600_000).toISOString() });
    const r = await ingest([visitItemOf(closed)]);
    assert.equal(r.body.applied, 1, r.text);
    let stored = await rows('moving');
    assert.equal(stored.length, 1);
    assert.equal(stored[0].status, 'closed');
    assert.equal(stored[0].arrived_at.toISOString(), movedArrival);
    // A late copy of the open state under yet another arrival: a duplicate, nothing changes.
    const late = visit({ id: 'moving', personId: 'C-9', arrivedAt: new Date(Date.parse(arrived) - 40_000).toISOString(), departedAt: null });
    const again = await ingest([visitItemOf(late)]);
    assert.deepEqual(again.body.results.map((x: any) => x.status), ['duplicate']);
    stored = await rows('moving');
    assert.deepEqual(stored.map((x) => [x.status, x.arrived_at.toISOString()]), [['closed', movedArrival]]);
  });
});
