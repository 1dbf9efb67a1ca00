import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Visit } from '../../device/src/contracts/visit.js';
import { DayLog, decodeCursor } from '../../device/src/store/day-log.js';
import { isStoreError } from '../../device/src/store/errors.js';
import { openVisitAt, tempDir } from './helpers.js';

const openVisits = (dir: string, cacheDays = 8) =>
  DayLog.open<Visit>({ dir, schema: Visit, timeOf: (v) => Date.parse(v.arrivedAt), idPrefix: 'V', cacheDays });

const visitAt = (log: DayLog<Visit>, at: number, personId = 'C-000001') => ({ ...openVisitAt(log, at, personId), cameras: ['cam1'] });

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T10:00:00Z');

test('appends land in one file per UTC day and reopen finds them by id', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const log = await openVisits(dir);
  const a = await log.append(visitAt(log, T0));
  const b = await log.append(visitAt(log, T0 + DAY + 5000));
  assert.deepEqual((await readdir(dir)).sort(), ['2026-03-01.json', '2026-03-02.json']);
  const day1 = JSON.parse(await readFile(join(dir, '2026-03-01.json'), 'utf8'));
  assert.deepEqual(day1.records.map((r: Visit) => r.id), [a.id], 'the second day did not rewrite the first');
  await writeFile(join(dir, '.2026-03-01.json.999999.deadbeef.tmp'), '{"day":"2026-03-01","rec');
  const reopened = await openVisits(dir);
  assert.deepEqual(reopened.days(), ['2026-03-01', '2026-03-02']);
  assert.deepEqual((await readdir(dir)).sort(), ['2026-03-01.json', '2026-03-02.json'], 'a killed writer’s temp file is removed');
  assert.equal((await reopened.get(b.id))?.arrivedAt, b.arrivedAt);
  assert.equal(await reopened.get('V-20260305-aaaaaaaaaa'), undefined);
  assert.equal(await reopened.get('../../etc/passwd'), undefined);
});

test('upsert replaces in place; bad records, duplicate ids and day changes are refused without change', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const log = await openVisits(dir);
  const v = await log.append(visitAt(log, T0));
  await log.upsert(v.id, (cur) => ({ ...cur!, detections: 7 }));
  await assert.rejects(log.append(v), (e) => isStoreError(e, 'conflict'));
  await assert.rejects(log.upsert(v.id, (cur) => ({ ...cur!, detections: -1 })), (e) => isStoreError(e, 'invalid'));
  await assert.rejects(
    log.upsert(v.id, (cur) => ({ ...cur!, arrivedAt: new Date(T0 + 3 * DAY).toISOString() })),
    (e) => isStoreError(e, 'invalid'),
  );
  await assert.rejects(log.upsert('nonsense', (c) => c!), (e) => isStoreError(e, 'bad-id'));
  await assert.rejects(log.append({ ...visitAt(log, T0), id: 'V-20260309-aaaaaaaaaa' }), (e) => isStoreError(e, 'invalid'));
  const got = await (await openVisits(dir)).get(v.id);
  assert.equal(got?.detections, 7);
  assert.throws(() => {
    (got as { detections: number }).detections = 1;
  }, TypeError, 'records handed out are frozen');
});

test('concurrent appends are group-committed and all durable', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const log = await openVisits(dir);
  const made = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(visitAt(log, T0 + i * 1000))));
  const reopened = await openVisits(dir);
  for (const v of made) assert.ok(await reopened.get(v.id), v.id);
});

test('paging is newest first across days with a stable cursor, filters and bounds', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const log = await openVisits(dir, 2); // tiny cache: days are evicted and reloaded while paging
  const all: Visit[] = [];
  for (let d = 0; d < 5; d++) {
    for (let i = 0; i < 7; i++) all.push(await log.append(visitAt(log, T0 + d * DAY + i * 60_000, i % 2 ? 'C-000002' : 'C-000001')));
  }
  const expected = [...all].sort((a, b) => Date.parse(b.arrivedAt) - Date.parse(a.arrivedAt)).map((v) => v.id);
  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const c = cursor ? decodeCursor(cursor) : null;
    if (c && !c.ok) throw c.error;
    const page = await log.page({ limit: 4, cursor: c?.value });
    seen.push(...page.items.map((v) => v.id));
    cursor = page.nextCursor;
    // An append newer than everything must not shift the remaining pages.
    if (seen.length === 8) await log.append(visitAt(log, T0 + 6 * DAY));
  } while (cursor);
  assert.deepEqual(seen, expected);

  const bounded = await log.page({ limit: 100, from: T0 + DAY, to: T0 + 2 * DAY, filter: (v) => v.personId === 'C-000002' });
  assert.equal(bounded.items.length, 3);
  assert.ok(bounded.items.every((v) => v.personId === 'C-000002' && v.arrivedAt.startsWith('2026-03-02')));
  assert.equal(bounded.nextCursor, null);

  assert.deepEqual(
    (await log.range(T0 + DAY, T0 + 2 * DAY)).map((v) => v.id),
    expected.filter((id) => id.startsWith('V-20260302')),
  );
  const asc = [];
  for await (const v of log.scan({ from: T0, to: T0 + DAY, order: 'asc' })) asc.push(Date.parse(v.arrivedAt));
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b));
  assert.equal(asc.length, 7);

  const oldestFirst: Visit[] = [];
  for await (const v of log.scan({ order: 'asc' })) oldestFirst.push(v);
  const mid = oldestFirst[10];
  const rest: string[] = [];
  for await (const v of log.scan({ order: 'asc', after: { t: Date.parse(mid.arrivedAt), id: mid.id } })) rest.push(v.id);
  assert.deepEqual(rest, oldestFirst.slice(11).map((v) => v.id), 'ascending scans resume past a cursor too');

  assert.equal(decodeCursor('not a cursor!').ok, false);
  assert.equal(decodeCursor(Buffer.from('12|../x').toString('base64url')).ok, false);
});

test('retention deletes whole old days; a corrupt day file is reported when touched', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const log = await openVisits(dir);
  for (let d = 0; d < 4; d++) await log.append(visitAt(log, T0 + d * DAY));
  assert.deepEqual(await log.deleteDaysBefore('2026-03-03'), ['2026-03-01', '2026-03-02']);
  assert.deepEqual((await readdir(dir)).sort(), ['2026-03-03.json', '2026-03-04.json']);
  await writeFile(join(dir, '2026-03-04.json'), '{"day":"2026-03-04","records":[{"id":1}]}');
  const reopened = await openVisits(dir);
  await assert.rejects(reopened.page({ limit: 10 }), (e) => isStoreError(e, 'corrupt'));
});

test('a failed write rejects its callers, and the rejected record never resurfaces later', async (t) => {
  const { dir, cleanup } = await tempDir('daylog');
  t.after(cleanup);
  const logDir = join(dir, 'visits');
  const log = await openVisits(logDir);
  const a = await log.append(visitAt(log, T0));
  // Make the next write fail for real: the folder is replaced by a file (ENOTDIR on the temp file).
  await rename(logDir, join(dir, 'away'));
  await writeFile(logDir, 'not a folder');
  const b = visitAt(log, T0 + 1000);
  await assert.rejects(log.append(b));
  await rm(logDir);
  await rename(join(dir, 'away'), logDir);
  const c = await log.append(visitAt(log, T0 + 2000));
  assert.equal(await log.get(b.id), undefined, 'not acknowledged, not kept');
  const reopened = await openVisits(logDir);
  assert.ok(await reopened.get(a.id));
  assert.ok(await reopened.get(c.id));
  assert.equal(await reopened.get(b.id), undefined);
});
