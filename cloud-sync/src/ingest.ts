import {
  MAX_BATCH_ITEMS,
  MAX_FUTURE_SKEW_MS,
  SyncItem,
  UploadEnvelope,
  type ItemResult,
  type UploadResponse,
} from '../../device/src/contracts/sync.js';
import type { Db, Queryable } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import type { VisitPartitions } from './partitions.js';
import type { DevicePrincipal } from './auth.js';

type VisitItem = Extract<SyncItem, { kind: 'visit' }>;
type HeartbeatItem = Extract<SyncItem, { kind: 'heartbeat' }>;
type CameraItem = Extract<SyncItem, { kind: 'cameraStatus' }>;
interface Indexed<T> {
  index: number;
  item: T;
}

/** A visit's monotonic version: later sightings, then closing, then more detections win. */
function visitRank(v: VisitItem): [number, number, number] {
  return [Date.parse(v.payload.visit.lastSeenAt), v.payload.visit.status === 'closed' ? 1 : 0, v.payload.visit.detections];
}
function rankAbove(a: [number, number, number], b: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return false;
}

function futureCheck(item: SyncItem, limit: number): string | null {
  const stamps = [item.at];
  if (item.kind === 'visit') stamps.push(item.payload.visit.arrivedAt, item.payload.visit.lastSeenAt);
  for (const s of stamps) if (Date.parse(s) > limit) return `timestamp ${s} is in the future`;
  return null;
}

/**
 * Ingest policy: the envelope must be valid (else the whole batch is refused, nothing applied).
 * Then each item is validated on its own: valid items are applied in ONE transaction, invalid ones
 * are answered `rejected` with a per-item error. Replays are harmless: heartbeats conflict on
 * (device, item key); visits upsert on (device, visit id, arrival) only when the incoming state is
 * newer than the stored one, so a replayed or out-of-order event changes nothing.
 */
export async function ingestBatch(
  db: Db,
  partitions: VisitPartitions,
  device: DevicePrincipal,
  body: unknown,
  now = Date.now(),
): Promise<UploadResponse> {
  const rawItems = (body as { items?: unknown })?.items;
  if (Array.isArray(rawItems) && rawItems.length > MAX_BATCH_ITEMS) {
    throw new HttpError(413, 'batch_too_large', `a batch holds at most ${MAX_BATCH_ITEMS} items (got ${rawItems.length})`);
  }
  const env = UploadEnvelope.safeParse(body);
  if (!env.success) throw new HttpError(400, 'invalid_batch', 'batch envelope is invalid', env.error.issues.slice(0, 10));
  if (env.data.deviceId !== device.id) throw new HttpError(403, 'device_mismatch', 'batch deviceId is not the device this token belongs to');
  if (env.data.siteId !== device.siteId) throw new HttpError(403, 'unknown_site', `site ${env.data.siteId} is not this device's site`);

  const { results, visits, heartbeats, cameras } = classifyItems(env.data.items, now + MAX_FUTURE_SKEW_MS);
  // Within one batch keep only the newest state per visit / camera: one statement may touch a row once.
  const latestVisit = keepLatest(visits, (v) => v.item.payload.visit.id, (a, b) => rankAbove(visitRank(a.item), visitRank(b.item)));
  const latestCamera = keepLatest(cameras, (c) => c.item.payload.cameraId, (a, b) => Date.parse(a.item.at) > Date.parse(b.item.at));

  await partitions.ensure(latestVisit.map((v) => new Date(v.item.payload.visit.arrivedAt)));
  const applied = new Set<number>();
  const site = await db.tx(async (q) => {
    const visitsApplied = await upsertVisits(q, device, latestVisit);
    for (const i of visitsApplied) applied.add(i);
    for (const i of await insertHeartbeats(q, device, heartbeats)) applied.add(i);
    for (const i of await upsertCameraStatus(q, device, latestCamera)) applied.add(i);
    await q.query(
      'update devices set last_seen_at = now(), last_visit_at = case when $2 then now() else last_visit_at end where id = $1',
      [device.id, visitsApplied.length > 0],
    );
    if (heartbeats.length) await applySiteFacts(q, device, newestHeartbeat(heartbeats).item.payload, now);
    return siteAsKnown(q, device.siteId);
  });
  for (const group of [visits, heartbeats, cameras]) {
    for (const { index, item } of group) results[index] = { index, key: item.key, status: applied.has(index) ? 'applied' : 'duplicate' };
  }
  const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
  return { batchId: env.data.batchId, applied: count('applied'), duplicate: count('duplicate'), rejected: count('rejected'), results, site };
}

const newestHeartbeat = (items: Indexed<HeartbeatItem>[]) => items.reduce((a, b) => (Date.parse(b.item.at) > Date.parse(a.item.at) ? b : a));

/**
 * What a box says about its site: a rename made on the box later than the cloud's last rename wins
 * (a stamp in the future counts as now); staff names are replaced wholesale, or forgotten when the box
 * does not share them.
 */
async function applySiteFacts(q: Queryable, device: DevicePrincipal, hb: HeartbeatItem['payload'], now: number): Promise<void> {
  const renamed = hb.site?.nameChangedAt ? new Date(Math.min(Date.parse(hb.site.nameChangedAt), now)) : null;
  if (hb.site && renamed) {
    await q.query(
      `update sites set name = $2, name_changed_at = $3 where id = $1 and name_changed_at < $3 and name <> $2`,
      [device.siteId, hb.site.name, renamed],
    );
  }
  await q.query('delete from staff_names where site_id = $1', [device.siteId]);
  if (hb.staffNames?.length) {
    await q.query(
      `insert into staff_names(site_id, person_id, display_name) select $1, r.person_id, r.display_name
       from jsonb_to_recordset($2::jsonb) as r(person_id text, display_name text) on conflict do nothing`,
      [device.siteId, JSON.stringify(hb.staffNames.map((s) => ({ person_id: s.personId, display_name: s.displayName })))],
    );
  }
}

async function siteAsKnown(q: Queryable, siteId: string): Promise<UploadResponse['site']> {
  const r = await q.query<{ name: string; timezone: string; name_changed_at: Date }>('select name, timezone, name_changed_at from sites where id = $1', [siteId]);
  const s = r.rows[0];
  return { id: siteId, name: s.name, timezone: s.timezone, nameChangedAt: s.name_changed_at.toISOString() };
}

/** Validates every item on its own: invalid ones get their `rejected` result, valid ones are sorted by kind. */
function classifyItems(items: unknown[], futureLimit: number) {
  const results: ItemResult[] = [];
  const visits: Indexed<VisitItem>[] = [];
  const heartbeats: Indexed<HeartbeatItem>[] = [];
  const cameras: Indexed<CameraItem>[] = [];
  items.forEach((raw, index) => {
    const rawKey = (raw as { key?: unknown } | null)?.key;
    const key = typeof rawKey === 'string' ? rawKey : null;
    const parsed = SyncItem.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const message = issue ? `${issue.path.join('.') || '(item)'}: ${issue.message}` : 'invalid item';
      results[index] = { index, key, status: 'rejected', error: { code: 'invalid_item', message } };
      return;
    }
    const future = futureCheck(parsed.data, futureLimit);
    if (future) {
      results[index] = { index, key, status: 'rejected', error: { code: 'future_timestamp', message: future } };
      return;
    }
    const it = parsed.data;
    if (it.kind === 'visit') visits.push({ index, item: it });
    else if (it.kind === 'heartbeat') heartbeats.push({ index, item: it });
    else cameras.push({ index, item: it });
  });
  return { results, visits, heartbeats, cameras };
}

function keepLatest<T>(xs: T[], id: (x: T) => string, newer: (a: T, b: T) => boolean): T[] {
  const best = new Map<string, T>();
  for (const x of xs) {
    const cur = best.get(id(x));
    if (!cur || newer(x, cur)) best.set(id(x), x);
  }
  return [...best.values()];
}

async function upsertVisits(q: Queryable, device: DevicePrincipal, items: Indexed<VisitItem>[]): Promise<number[]> {
  if (items.length === 0) return [];
  const rows = items.map(({ item }) => {
    const v = item.payload.visit;
    return {
      visit_id: v.id,
      person_id: v.personId,
      kind: v.kind,
      arrived_at: v.arrivedAt,
      last_seen_at: v.lastSeenAt,
      departed_at: v.departedAt,
      dwell_seconds: v.dwellSeconds,
      cameras: v.cameras,
      detections: v.detections,
      age_median: v.demographics.ageMedian,
      gender: v.demographics.gender,
      demo_samples: v.demographics.samples,
      visit_number: v.visitNumber,
      is_returning: v.returning,
      status: v.status,
      status_rank: v.status === 'closed' ? 1 : 0,
      last_item_key: item.key,
    };
  });
  const r = await q.query<{ visit_id: string; arrived_at: Date }>(
    `insert into visits (device_id, site_id, visit_id, person_id, kind, arrived_at, last_seen_at, departed_at, dwell_seconds,
        cameras, detections, age_median, gender, demo_samples, visit_number, is_returning, status, status_rank, last_item_key)
     select $1, $2, r.visit_id, r.person_id, r.kind, r.arrived_at, r.last_seen_at, r.departed_at, r.dwell_seconds,
        array(select jsonb_array_elements_text(r.cameras)), r.detections, r.age_median, r.gender, r.demo_samples,
        r.visit_number, r.is_returning, r.status, r.status_rank, r.last_item_key
     from jsonb_to_recordset($3::jsonb) as r(visit_id text, person_id text, kind text, arrived_at timestamptz,
        last_seen_at timestamptz, departed_at timestamptz, dwell_seconds float8, cameras jsonb, detections int,
        age_median real, gender text, demo_samples int, visit_number int, is_returning boolean, status text,
        status_rank smallint, last_item_key text)
     on conflict (device_id, visit_id, arrived_at) do update set
        person_id = excluded.person_id, kind = excluded.kind, last_seen_at = excluded.last_seen_at,
        departed_at = excluded.departed_at, dwell_seconds = excluded.dwell_seconds, cameras = excluded.cameras,
        detections = excluded.detections, age_median = excluded.age_median, gender = excluded.gender,
        demo_samples = excluded.demo_samples, visit_number = excluded.visit_number, is_returning = excluded.is_returning,
        status = excluded.status, status_rank = excluded.status_rank, last_item_key = excluded.last_item_key,
        received_at = now()
     where (excluded.last_seen_at, excluded.status_rank, excluded.detections)
         > (visits.last_seen_at, visits.status_rank, visits.detections)
     returning visit_id, arrived_at`,
    [device.id, device.siteId, JSON.stringify(rows)],
  );
  if (r.rows.length > 0) {
    // Mark the touched local days so the daily rollup is recomputed from the raw rows.
    await q.query(
      `insert into rollup_dirty(site_id, day)
       select distinct $1, (a at time zone $2)::date from unnest($3::timestamptz[]) a
       on conflict do nothing`,
      [device.siteId, device.timezone, r.rows.map((x) => x.arrived_at)],
    );
  }
  const byId = new Map(items.map((x) => [x.item.payload.visit.id, x.index]));
  return r.rows.map((x) => byId.get(x.visit_id)!).filter((i) => i !== undefined);
}

async function insertHeartbeats(q: Queryable, device: DevicePrincipal, items: Indexed<HeartbeatItem>[]): Promise<number[]> {
  if (items.length === 0) return [];
  // Staff names are kept only in staff_names (and only while shared), never in the heartbeat history.
  const stored = (p: HeartbeatItem['payload']) => ({ ...p, staffNames: undefined });
  const rows = items.map(({ item }) => ({ item_key: item.key, at: item.at, payload: stored(item.payload) }));
  const r = await q.query<{ item_key: string }>(
    `insert into heartbeats (device_id, item_key, at, payload)
     select $1, r.item_key, r.at, r.payload from jsonb_to_recordset($2::jsonb) as r(item_key text, at timestamptz, payload jsonb)
     on conflict do nothing returning item_key`,
    [device.id, JSON.stringify(rows)],
  );
  const latest = newestHeartbeat(items);
  await q.query(
    `update devices set
       last_heartbeat = case when last_heartbeat_device_at is null or $2::timestamptz >= last_heartbeat_device_at then $3::jsonb else last_heartbeat end,
       versions = case when last_heartbeat_device_at is null or $2::timestamptz >= last_heartbeat_device_at then $4::jsonb else versions end,
       last_heartbeat_device_at = greatest(last_heartbeat_device_at, $2::timestamptz),
       last_heartbeat_at = now()
     where id = $1`,
    [device.id, latest.item.at, JSON.stringify(stored(latest.item.payload)), JSON.stringify(latest.item.payload.versions)],
  );
  const fresh = new Set(r.rows.map((x) => x.item_key));
  return items.filter((x) => fresh.has(x.item.key)).map((x) => x.index);
}

async function upsertCameraStatus(q: Queryable, device: DevicePrincipal, items: Indexed<CameraItem>[]): Promise<number[]> {
  if (items.length === 0) return [];
  const rows = items.map(({ item }) => ({ camera_id: item.payload.cameraId, at: item.at, state: item.payload.state, payload: item.payload }));
  const r = await q.query<{ camera_id: string }>(
    `insert into camera_status (device_id, camera_id, at, state, payload)
     select $1, r.camera_id, r.at, r.state, r.payload
     from jsonb_to_recordset($2::jsonb) as r(camera_id text, at timestamptz, state text, payload jsonb)
     on conflict (device_id, camera_id) do update set at = excluded.at, state = excluded.state, payload = excluded.payload
     where excluded.at > camera_status.at
     returning camera_id`,
    [device.id, JSON.stringify(rows)],
  );
  const byCam = new Map(items.map((x) => [x.item.payload.cameraId, x.index]));
  return r.rows.map((x) => byCam.get(x.camera_id)!).filter((i) => i !== undefined);
}
