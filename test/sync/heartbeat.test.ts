import { it } from 'node:test';
import assert from 'node:assert/strict';
import { totalmem, tmpdir } from 'node:os';
import { Heartbeat } from '../../device/src/contracts/sync.js';
import { collectHeartbeat } from '../../device/src/sync/heartbeat.js';

it('a heartbeat carries this machine\'s real figures and satisfies the contract', async () => {
  const outbox = { pendingItems: 2, pendingVisits: 1, pendingBytes: 900, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false };
  const hb = await collectHeartbeat({ versions: { app: '9.9.9' }, cameras: [], outbox, dataPath: tmpdir() });
  assert.ok(Heartbeat.safeParse(hb).success);
  assert.equal(hb.memoryTotalBytes, totalmem());
  assert.ok(hb.diskTotalBytes! > 0 && hb.diskUsedBytes! <= hb.diskTotalBytes!);
  assert.ok(hb.cpuLoadPercent !== null && hb.cpuLoadPercent >= 0 && hb.cpuLoadPercent <= 100);
  assert.deepEqual(hb.outbox, outbox);
  assert.equal(hb.versions.app, '9.9.9');
});
