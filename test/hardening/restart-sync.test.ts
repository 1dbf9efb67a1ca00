// Defect 3: visits closed around a restart must not stay open in the cloud. The sync outbox records every
// event the visit tracker writes, whatever order the features start and stop in (real PostgreSQL cloud).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import type { VisitEvent } from '../../device/src/contracts/visit.js';
import { SyncService } from '../../device/src/sync/sync-service.js';
import { Backoff } from '../../device/src/util/backoff.js';
import { ManualClock } from '../../device/src/util/clock.js';
import { api, makeTestDb, newOrg, startCloud, type TestDb } from '../cloud/harness.js';
import { until } from '../mqtt/until.js';
import { sighting, trackerRig } from '../visits/rig.js';

describe('a restart mid-visit reaches the cloud (real PostgreSQL)', () => {
  let t: TestDb;
  let cloud: CloudServer;
  let url: string;
  let admin: string;
  const dir = mkdtempSync(join(tmpdir(), 'cva-restart-sync-'));

  before(async () => {
    t = await makeTestDb('postgres');
    ({ server: cloud, url } = await startCloud(t.db));
    admin = (await newOrg(t.db, 'Restarts')).token;
  });
  after(async () => {
    await cloud.stop();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the update flushed at a clean stop and the closure at the next start both reach the cloud', { timeout: 120_000 }, async () => {
    const site = await api(url, 'POST', '/api/sites', admin, { name: 'Restart shop', timezone: 'UTC' });
    const code = (await api(url, 'POST', `/api/sites/${site.body.id}/claim-codes`, admin, {})).body.code as string;
    const clock = new ManualClock(Date.now() - 3_600_000);
    // One run of the appliance's visit and sync features, built and started as the composition root does
    // (sync built before anything starts; started after the tracker; stopped before it, closed last).
    const run = async () => {
      const rig = await trackerRig(join(dir, 'store'), clock, { gap: 30 });
      const sync = new SyncService({
        bus: rig.bus, dir: join(dir, 'sync'), target: () => ({ url, claimCode: code }), versions: { app: 'restart-test' },
        heartbeatIntervalMs: 3_600_000, backoff: new Backoff({ baseMs: 20, maxMs: 200, jitter: 'full' }),
      });
      await rig.tracker.start();
      await sync.start();
      return {
        rig, sync,
        async stop() {
          await sync.stop();
          await rig.tracker.stop();
          await sync.close();
          await rig.store.close();
        },
      };
    };
    const cloudRow = async () =>
      (await t.db.query<{ status: string; last_seen_at: Date; detections: number }>('select status, last_seen_at, detections from visits where site_id = $1', [site.body.id])).rows;

    const first = await run();
    const opened = await first.rig.tracker.observe(sighting(clock, 'C-000001'));
    assert.ok(opened.ok);
    await until('the open visit in the cloud', async () => (await cloudRow()).length === 1, 60_000);
    // Seen again 5 s later: folded in memory (updates are throttled), written only by the stop.
    clock.advance(5_000);
    await first.rig.tracker.observe(sighting(clock, 'C-000001'));
    const lastSeen = clock.now();
    const flushed: VisitEvent[] = [];
    first.rig.bus.on('visit', (e) => flushed.push(e));
    await first.stop();
    assert.deepEqual(flushed.map((e) => e.type), ['update'], 'the stop wrote the held-back update');

    // The box is off longer than the visit gap: the next start closes the visit.
    clock.advance(40 * 60_000);
    const second = await run();
    try {
      await until('the closed visit in the cloud', async () => (await cloudRow())[0]?.status === 'closed', 60_000);
      const [row] = await cloudRow();
      assert.equal(row.last_seen_at.getTime(), lastSeen, 'the flushed update arrived too');
      assert.equal(row.detections, 2);
    } finally {
      await second.stop();
    }
  });
});
