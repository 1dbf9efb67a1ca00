/**
 * A real appliance sync process for the kill test: SyncService on a real EventBus, outbox in
 * SYNC_DIR, cloud from CLOUD_URL/CLAIM_CODE. Emits EMIT visits (new/update/end each), then prints
 * one JSON status line and exits once the outbox has drained.
 */
import { EventBus } from '../../device/src/events.js';
import { Backoff } from '../../device/src/util/backoff.js';
import { SyncService, cloudTargetFromEnv } from '../../device/src/sync/sync-service.js';
import { visitLifecycle } from './visit-events.js';

const bus = new EventBus();
const svc = new SyncService({
  bus,
  dir: process.env.SYNC_DIR!,
  target: () => cloudTargetFromEnv(),
  versions: { app: 'kill-test' },
  heartbeatIntervalMs: 3_600_000,
  maxBatchItems: Number(process.env.BATCH ?? 1000),
  backoff: new Backoff({ baseMs: 50, maxMs: 500, jitter: 'full' }),
});
await svc.start();
const n = Number(process.env.EMIT ?? 0);
for (let i = 0; i < n; i++) {
  for (const e of visitLifecycle(`k${i}`, `C-${i}`, new Date(Date.UTC(2026, 1, 1, 9, 0, i)))) bus.emit('visit', e);
}
const timer = setInterval(async () => {
  const s = svc.status();
  if (s.lastUploadAt && s.backlog.pendingItems === 0) {
    clearInterval(timer);
    await svc.stop();
    process.stdout.write(JSON.stringify(s) + '\n');
    process.exit(0);
  }
}, 50);
