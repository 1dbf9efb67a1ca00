import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Outbox } from '../../device/src/sync/outbox.js';
import { heartbeatItem, visitItem } from '../../device/src/sync/items.js';
import type { Heartbeat, SyncItem } from '../../device/src/contracts/sync.js';
import { visitLifecycle } from './visit-events.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'cva-outbox-'));
const visits = (n: number): SyncItem[] =>
  Array.from({ length: n }, (_, i) => visitItem(visitLifecycle(`v${i}`, `C-${i}`, new Date(Date.UTC(2026, 0, 5, 10, i)))[2]));
const heartbeat = (i: number): SyncItem => {
  const payload: Heartbeat = {
    uptimeSeconds: i, versions: { app: 'test' }, cpuLoadPercent: 1, cpuTemperatureC: null, memoryUsedBytes: 1, memoryTotalBytes: 2,
    diskUsedBytes: 1, diskTotalBytes: 2, cameras: [],
    outbox: { pendingItems: 0, pendingVisits: 0, pendingBytes: 0, oldestPendingAt: null, droppedStatusItems: 0, overBudget: false },
  };
  return heartbeatItem(new Date(Date.UTC(2026, 0, 5, 9, 0, i)).toISOString(), payload);
};

describe('outbox', () => {
  it('keeps items across a restart until acknowledged, in order', () => {
    const dir = tmp();
    const items = visits(5);
    const a = Outbox.open(dir);
    for (const it of items) a.append(it);
    assert.deepEqual(a.peek(2), items.slice(0, 2));
    a.ack(2);
    a.close();
    const b = Outbox.open(dir);
    assert.equal(b.size, 3);
    assert.deepEqual(b.peek(10), items.slice(2));
    assert.equal(b.backlog().pendingVisits, 3);
    assert.equal(b.backlog().oldestPendingAt, items[2].at);
    b.ack(3);
    b.close();
    const c = Outbox.open(dir);
    assert.equal(c.size, 0);
    assert.equal(c.backlog().pendingBytes, 0);
    c.close();
    rmSync(dir, { recursive: true });
  });

  it('never sends the crop id: visit items carry metadata only', () => {
    const it0 = visits(1)[0];
    assert.equal(it0.kind, 'visit');
    assert.ok(!('bestCropId' in (it0.payload as { visit: object }).visit));
    assert.ok(!JSON.stringify(it0).includes('crops/'));
  });

  it('cuts a line torn by a crash and carries on appending', () => {
    const dir = tmp();
    const a = Outbox.open(dir);
    const items = visits(2);
    a.append(items[0]);
    a.close();
    const seg = readdirSync(dir).find((f) => f.startsWith('seg-'))!;
    appendFileSync(join(dir, seg), '{"key":"half-writ');
    const b = Outbox.open(dir);
    assert.equal(b.size, 1);
    b.append(items[1]);
    b.close();
    const c = Outbox.open(dir);
    assert.deepEqual(c.peek(10), items);
    c.close();
    rmSync(dir, { recursive: true });
  });

  it('rotates segments and deletes the ones fully acknowledged', () => {
    const dir = tmp();
    const a = Outbox.open(dir, { segmentBytes: 2048 });
    const items = visits(20);
    for (const it of items) a.append(it);
    const segs = () => readdirSync(dir).filter((f) => f.startsWith('seg-')).length;
    const before = segs();
    assert.ok(before > 3, `expected several segments, got ${before}`);
    a.ack(15);
    assert.ok(segs() < before);
    a.close();
    const b = Outbox.open(dir, { segmentBytes: 2048 });
    assert.deepEqual(b.peek(100), items.slice(15));
    b.close();
    rmSync(dir, { recursive: true });
  });

  it('over budget: drops the oldest heartbeats first and never a visit', () => {
    const dir = tmp();
    const v = visits(4);
    const hbSize = Buffer.byteLength(JSON.stringify(heartbeat(0))) + 1;
    const budget = hbSize * 12;
    const a = Outbox.open(dir, { maxBytes: budget });
    for (let i = 0; i < 10; i++) a.append(heartbeat(i));
    for (const x of v) a.append(x);
    for (let i = 10; i < 14; i++) a.append(heartbeat(i));
    const bl = a.backlog();
    assert.ok(bl.pendingBytes <= budget, `pending ${bl.pendingBytes} > budget ${budget}`);
    assert.ok(bl.droppedStatusItems > 0);
    assert.equal(bl.pendingVisits, 4);
    const kept = a.peek(100);
    assert.deepEqual(kept.filter((x) => x.kind === 'visit'), v);
    const keptHb = kept.filter((x) => x.kind === 'heartbeat').map((x) => (x.payload as Heartbeat).uptimeSeconds);
    // Oldest went first: what is left is a suffix of the heartbeat sequence.
    assert.equal(keptHb[keptHb.length - 1], 13);
    assert.ok(keptHb[0] > 0);
    a.close();
    const b = Outbox.open(dir, { maxBytes: budget });
    assert.deepEqual(b.peek(100), kept);
    assert.equal(b.backlog().droppedStatusItems, bl.droppedStatusItems);
    b.close();
    rmSync(dir, { recursive: true });
  });

  it('visits alone over budget are all kept and flagged overBudget', () => {
    const dir = tmp();
    const v = visits(10);
    const a = Outbox.open(dir, { maxBytes: 1000 });
    for (const x of v) a.append(x);
    assert.equal(a.size, 10);
    assert.equal(a.backlog().overBudget, true);
    assert.deepEqual(a.peek(100), v);
    a.close();
    rmSync(dir, { recursive: true });
  });
});
