// Defect 13: forgetting a customer reaches their visits (tombstone, counts kept), the event history, the
// sync outbox (items not yet sent) and the cloud (a forget item; real PostgreSQL).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CloudServer } from '../../cloud-sync/src/server.js';
import { Tombstone } from '../../device/src/contracts/sync.js';
import { EventBus } from '../../device/src/events.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import { SyncService } from '../../device/src/sync/sync-service.js';
import { Backoff } from '../../device/src/util/backoff.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { openVisitModule } from '../../device/src/visits/visit-module.js';
import { api, makeTestDb, newOrg, type TestDb } from '../cloud/harness.js';
import { until } from '../mqtt/until.js';
import { sighting } from '../visits/rig.js';

describe('forget reaches everything (real PostgreSQL)', () => {
  let t: TestDb;
  let cloud: CloudServer;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'cva-forget-'));

  before(async () => {
    t = await makeTestDb('postgres');
    cloud = new CloudServer({ db: t.reopen(), port: 0, rollupIntervalMs: 3_600_000 });
    await cloud.start();
    port = cloud.port;
  });
  after(async () => {
    await cloud.stop().catch(() => {});
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('visits, history, outbox and cloud rows lose the person id; counts stay', { timeout: 180_000 }, async () => {
    const url = `http://127.0.0.1:${port}`;
    const admin = (await newOrg(t.db, 'Forgetting')).token;
    const site = await api(url, 'POST', '/api/sites', admin, { name: 'Forget shop', timezone: 'UTC' });
    const code = (await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, admin, {})).body.code as string;

    const clock = new ManualClock(Date.now() - 10 * 3_600_000);
    const store = await ApplianceStore.open({ dir: join(dir, 'store'), embeddingDim: 128 });
    const bus = new EventBus();
    const mod = await openVisitModule(store, { bus, clock, settings: { visitGapMinutes: 30, timezone: 'UTC' }, updateIntervalMs: 10_000, tickMs: 3_600_000 });
    const sync = new SyncService({ bus, dir: join(dir, 'sync'), target: () => ({ url, claimCode: code }), versions: { app: 'forget-test' }, heartbeatIntervalMs: 3_600_000, backoff: new Backoff({ baseMs: 20, maxMs: 200, jitter: 'full' }) });
    await mod.tracker.start();
    await sync.start();
    const crop = await sharp({ create: { width: 48, height: 48, channels: 3, background: '#a86' } }).jpeg().toBuffer();
    const visitOf = async (personId: string) => {
      await mod.tracker.observe(sighting(clock, personId, { crop: { jpeg: crop }, quality: 0.9 }));
      clock.advance(60_000);
      await mod.tracker.observe(sighting(clock, personId));
      clock.advance(40 * 60_000);
      await mod.tracker.tick();
    };
    try {
      // Two visits of the customer and one of somebody else reach the cloud.
      await visitOf('C-000001');
      await visitOf('C-000002');
      await visitOf('C-000001');
      const cloudRows = async () =>
        (await t.db.query<{ person_id: string; status: string }>('select person_id, status from visits where site_id = $1 order by arrived_at', [site.body.id])).rows;
      await until('three closed visits in the cloud', async () => (await cloudRows()).filter((r) => r.status === 'closed').length === 3, 60_000);

      // The cloud goes away: two more visits (one still open) wait in the outbox.
      await cloud.stop();
      await visitOf('C-000001');
      await mod.tracker.observe(sighting(clock, 'C-000001', { crop: { jpeg: crop }, quality: 0.9 }));
      await until('offline', () => sync.status().state === 'offline');
      const outboxText = () => readdirSync(join(dir, 'sync', 'outbox')).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(dir, 'sync', 'outbox', f), 'utf8')).join('');
      assert.ok(outboxText().includes('"personId":"C-000001"'));
      assert.ok((await mod.stats.span('C-000001')) !== null);

      const report = await mod.forgetter.forget('C-000001');
      assert.ok(Tombstone.safeParse(report.tombstone).success);
      assert.equal(report.visits, 4, 'four visits on the box (the open one closed as it was forgotten)');

      // On the box: visits and history name the tombstone, with no crop; the counter is gone.
      const boxVisits = await store.visits.range(0, Date.now() + 86_400_000);
      assert.equal(boxVisits.length, 5, 'counts kept');
      assert.equal(boxVisits.filter((v) => v.personId === 'C-000001').length, 0);
      const forgotten = boxVisits.filter((v) => v.personId === report.tombstone);
      assert.equal(forgotten.length, 4);
      assert.ok(forgotten.every((v) => v.bestCropId === null && v.status === 'closed'));
      const history = await store.visitEvents.range(0, Date.now() + 86_400_000);
      assert.ok(history.length >= 8);
      assert.equal(history.filter((e) => e.after.personId === 'C-000001' || e.before?.personId === 'C-000001').length, 0);
      assert.equal(await mod.stats.span('C-000001'), null);
      assert.equal(mod.tracker.openVisits().length, 0);
      // In the outbox: only the forget request itself still names the person (it must, to tell the cloud).
      const lines = outboxText().trim().split('\n').map((l) => JSON.parse(l));
      const pending = lines.filter((l) => l.kind === 'visit' || l.kind === 'forget');
      assert.deepEqual(
        pending.filter((l) => JSON.stringify(l).includes('C-000001')).map((l) => l.kind),
        ['forget'],
      );

      // The cloud comes back: its rows lose the person id too; nothing is lost.
      cloud = new CloudServer({ db: t.reopen(), port, rollupIntervalMs: 3_600_000 });
      await cloud.start();
      sync.syncNow();
      await until('drained', () => sync.status().backlog.pendingItems === 0 && sync.status().state === 'ready', 60_000);
      const rows = await cloudRows();
      assert.equal(rows.length, 5);
      assert.equal(rows.filter((r) => r.person_id === 'C-000001').length, 0);
      assert.equal(rows.filter((r) => r.person_id === report.tombstone).length, 4);
      assert.equal(rows.filter((r) => r.person_id === 'C-000002').length, 1);
      const unique = await t.db.query<{ n: number }>('select count(distinct person_id)::int as n from visits where site_id = $1', [site.body.id]);
      assert.equal(unique.rows[0].n, 2, 'still two visitors');
    } finally {
      await sync.stop();
      await mod.tracker.stop();
      await sync.close();
      await store.close();
    }
  });
});
