import {
  MAX_BATCH_ITEMS,
  MAX_FUTURE_SKEW_MS,
  MAX_VISIT_DAYS_BEFORE_CLAIM,
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
type ForgetItem = Extract<SyncItem, { kind: 'forget' }>;
type FootfallItem = Extract<SyncItem, { kind: 'footfall' }>;
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
  if (item.kind === 'footfall') stamps.push(item.payload.hour);
  for (const s of stamps) if (Date.parse(s) > limit) return `timestamp ${s} is in the future`;
  return null;
}

/** Visits may reach back MAX_VISIT_DAYS_BEFORE_CLAIM before the claim, no further (each month is a partition). */
function pastCheck(item: SyncItem, earliest: number): string | null {
  if (item.kind !== 'visit') return null;
  const a = item.payload.visit.arrivedAt;
  return Date.parse(a) < earliest
    ? `arrivedAt ${a} is more than ${MAX_VISIT_DAYS_BEFORE_CLAIM} days before this device was claimed`
    : null;
}

/** PostgreSQL text and jsonb cannot hold NUL: such an item could never be stored. */
function nulCheck(raw: unknown, depth = 0): string | null {
  if (typeof raw === 'string') return raw.includes('\u0000') ? 'a text field holds a NUL character' : null;
  if (depth > 16 || typeof raw !== 'object' || raw === null) return null;
  for (const [k, v] of Object.entries(raw)) {
    const bad = nulCheck(k, depth + 1) ?? nulCheck(v, depth + 1);
    if (bad) return bad;
  }
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

  const earliest = device.claimedAt.getTime() - MAX_VISIT_DAYS_BEFORE_CLAIM * 86_400_000;
  const { results, visits, heartbeats, cameras, footfall, forgets } = classifyItems(env.data.items, now + MAX_FUTURE_SKEW_MS, earliest);
  const valid = { visits, heartbeats, cameras, footfall, forgets };
  const applied = new Set<number>();
  try {
    for (const i of await applyItems(db, partitions, device, valid, now)) applied.add(i);
  } catch (e) {
    if (!isDataError(e)) throw e;
    // Something in the batch could not be stored though it validated: apply item by item, so the good
    // ones land and only the culprit is rejected (a retrying box never blocks behind it).
    for (const group of [visits, heartbeats, cameras, footfall, forgets] as Indexed<SyncItem>[][]) {
      for (const one of group) {
        try {
          for (const i of await applyItems(db, partitions, device, byKind([one]), now)) applied.add(i);
        } catch (e1) {
          if (!isDataError(e1)) throw e1;
          results[one.index] = { index: one.index, key: one.item.key, status: 'rejected', error: { code: 'unstorable', message: (e1 as Error).message } };
        }
      }
    }
  }
  for (const group of [visits, heartbeats, cameras, footfall, forgets] as Indexed<SyncItem>[][]) {
    for (const { index, item } of group) {
      if (results[index]?.status === 'rejected') continue;
      results[index] = { index, key: item.key, status: applied.has(index) ? 'applied' : 'duplicate' };
    }
  }
  const count = (s: ItemResult['status']) => results.filter((r) => r.status === s).length;
  const site = await siteAsKnown(db, device.siteId);
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

interface ValidItems {
  visits: Indexed<VisitItem>[];
  heartbeats: Indexed<HeartbeatItem>[];
  cameras: Indexed<CameraItem>[];
  footfall: Indexed<FootfallItem>[];
  forgets: Indexed<ForgetItem>[];
}

function byKind(items: Indexed<SyncItem>[]): ValidItems {
  const out: ValidItems = { visits: [], heartbeats: [], cameras: [], footfall: [], forgets: [] };
  for (const x of items) {
    if (x.item.kind === 'visit') out.visits.push(x as Indexed<VisitItem>);
    else if (x.item.kind === 'heartbeat') out.heartbeats.push(x as Indexed<HeartbeatItem>);
    else if (x.item.kind === 'forget') out.forgets.push(x as Indexed<ForgetItem>);
    else if (x.item.kind === 'footfall') out.footfall.push(x as Indexed<FootfallItem>);
    else out.cameras.push(x as Indexed<CameraItem>);
  }
  return out;
}

/** Applies valid items in one transaction; returns the indexes that changed the cloud state. */
async function applyItems(db: Db, partitions: VisitPartitions, device: DevicePrincipal, items: ValidItems, now: number): Promise<number[]> {
  // Within one batch keep only the newest state per visit / camera: one statement may touch a row once.
  const latestVisit = keepLatest(items.visits, (v) => v.item.payload.visit.id, (a, b) => rankAbove(visitRank(a.item), visitRank(b.item)));
  const latestCamera = keepLatest(items.cameras, (c) => c.item.payload.cameraId, (a, b) => Date.parse(a.item.at) > Date.parse(b.item.at));
  await partitions.ensure(latestVisit.map((v) => new Date(v.item.payload.visit.arrivedAt)));
  const applied: number[] = [];
  await db.tx(async (q) => {
    const visitsApplied = await upsertVisits(q, device, latestVisit);
    applied.push(...visitsApplied);
    applied.push(...(await insertHeartbeats(q, device, items.heartbeats)));
    applied.push(...(await upsertCameraStatus(q, device, latestCamera)));
    applied.push(...(await upsertFootfall(q, device, items.footfall)));
    // Last: a visit in this same batch that still names the person is renamed too.
    applied.push(...(await forgetPersons(q, device, items.forgets)));
    await q.query(
      'update devices set last_seen_at = now(), last_visit_at = case when $2 then now() else last_visit_at end where id = $1',
      [device.id, visitsApplied.length > 0],
    );
    if (items.heartbeats.length) await applySiteFacts(q, device, newestHeartbeat(items.heartbeats).item.payload, now);
  });
  return applied;
}

/** A PostgreSQL error caused by the data (class 22 data exception, 23 constraint, 54 limits), not by the server. */
function isDataError(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return typeof code === 'string' && /^(22|23|54)/.test(code);
}

/** Validates every item on its own: invalid ones get their `rejected` result, valid ones are sorted by kind. */
function classifyItems(items: unknown[], futureLimit: number, earliest: number) {
  const results: ItemResult[] = [];
  const visits: Indexed<VisitItem>[] = [];
  const heartbeats: Indexed<HeartbeatItem>[] = [];
  const cameras: Indexed<CameraItem>[] = [];
  const footfall: Indexed<FootfallItem>[] = [];
  const forgets: Indexed<ForgetItem>[] = [];
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
    const past = pastCheck(parsed.data, earliest);
    if (past) {
      results[index] = { index, key, status: 'rejected', error: { code: 'too_old', message: past } };
      return;
    }
    const nul = nulCheck(raw);
    if (nul) {
      results[index] = { index, key, status: 'rejected', error: { code: 'invalid_item', message: nul } };
      return;
    }
    const it = parsed.data;
    if (it.kind === 'visit') visits.push({ index, item: it });
    else if (it.kind === 'heartbeat') heartbeats.push({ index, item: it });
    else if (it.kind === 'footfall') footfall.push({ index, item: it });
    else if (it.kind === 'forget') forgets.push({ index, item: it });
    else cameras.push({ index, item: it });
  });
  return { results, visits, heartbeats, cameras, footfall, forgets };
}

function keepLatest<T>(xs: T[], id: (x: T) => string, newer: (a: T, b: T) => boolean): T[] {
  const best = new Map<string, T>();
  for (const x of xs) {
    const cur = best.get(id(x));
    if (!cur || newer(x, cur)) best.set(id(x), x);
  }
  return [...best.values()];
}

interface StoredVisitRow {
  visit_id: string;
  arrived_at: Date;
  last_seen_at: Date;
  status_rank: number;
  detections: number;
}

/**
 * The visit id is a visit's identity whatever its times. A newer state whose arrivedAt moved replaces
 * the row filed under the old arrival (rows are partitioned by arrival, so the key holds both); an
 * older one is a duplicate. Returns the items still to upsert and the arrivals of the rows removed.
 */
async function reconcileMovedArrivals(q: Queryable, device: DevicePrincipal, items: Indexed<VisitItem>[]): Promise<{ items: Indexed<VisitItem>[]; removed: Date[] }> {
  const stored = await q.query<StoredVisitRow>(
    `select visit_id, arrived_at, last_seen_at, status_rank, detections from visits
     where device_id = $1 and visit_id = any($2::text[]) for update`,
    [device.id, items.map((x) => x.item.payload.visit.id)],
  );
  const byId = new Map<string, StoredVisitRow[]>();
  for (const r of stored.rows) byId.set(r.visit_id, [...(byId.get(r.visit_id) ?? []), r]);
  const keep: Indexed<VisitItem>[] = [];
  const stale: StoredVisitRow[] = [];
  for (const x of items) {
    const v = x.item.payload.visit;
    const moved = (byId.get(v.id) ?? []).filter((r) => new Date(r.arrived_at).getTime() !== Date.parse(v.arrivedAt));
    if (moved.some((r) => !rankAbove(visitRank(x.item), [new Date(r.last_seen_at).getTime(), r.status_rank, r.detections]))) continue;
    stale.push(...moved);
    keep.push(x);
  }
  if (stale.length) {
    await q.query(
      `delete from visits v using unnest($2::text[], $3::timestamptz[]) as s(visit_id, arrived_at)
       where v.device_id = $1 and v.visit_id = s.visit_id and v.arrived_at = s.arrived_at`,
      [device.id, stale.map((r) => r.visit_id), stale.map((r) => new Date(r.arrived_at).toISOString())],
    );
  }
  return { items: keep, removed: stale.map((r) => new Date(r.arrived_at)) };
}

async function upsertVisits(q: Queryable, device: DevicePrincipal, incoming: Indexed<VisitItem>[]): Promise<number[]> {
  if (incoming.length === 0) return [];
  const { items, removed } = await reconcileMovedArrivals(q, device, incoming);
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
  // Mark the touched local days (and those a moved visit left) so the daily rollup is recomputed from the raw rows.
  await markRollupDirty(q, device, [...r.rows.map((x) => x.arrived_at), ...removed]);
  const byId = new Map(items.map((x) => [x.item.payload.visit.id, x.index]));
  return r.rows.map((x) => byId.get(x.visit_id)!).filter((i) => i !== undefined);
}

/** The local days of these arrivals must be recomputed by the rollup (rollup.ts). */
async function markRollupDirty(q: Queryable, device: DevicePrincipal, arrivals: Date[]): Promise<void> {
  if (arrivals.length === 0) return;
  await q.query(
    `insert into rollup_dirty(site_id, day)
     select distinct $1, (a at time zone $2)::date from unnest($3::timestamptz[]) a
     on conflict do nothing`,
    [device.siteId, device.timezone, arrivals],
  );
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

/**
 * A person forgotten on the box: this device's visits of theirs take the tombstone (counts stay, the link
 * goes). Scoped to the device, whose person ids are its own. Applied even when no row matched (the visits
 * may not have arrived yet: they are renamed on the box before they are sent).
 */
async function forgetPersons(q: Queryable, device: DevicePrincipal, items: Indexed<ForgetItem>[]): Promise<number[]> {
  for (const { item } of items) {
    const renamed = await q.query<{ arrived_at: Date }>(
      'update visits set person_id = $3 where device_id = $1 and person_id = $2 returning arrived_at',
      [device.id, item.payload.personId, item.payload.tombstone],
    );
    // The rollup keeps person ids per day (site_person_days): those days are recomputed, so the old id goes there too.
    await markRollupDirty(q, device, renamed.rows.map((x) => x.arrived_at));
  }
  return items.map((x) => x.index);
}

/**
 * Footfall hours: the greatest figures win (a device only ever counts up), so a replayed or older state of an
 * hour changes nothing. Several items of one hour in a batch are folded first (one statement touches a row once).
 */
async function upsertFootfall(q: Queryable, device: DevicePrincipal, items: Indexed<FootfallItem>[]): Promise<number[]> {
  if (items.length === 0) return [];
  const byHour = new Map<string, { hour: string; entries: number; exits: number; captured: number }>();
  for (const { item } of items) {
    const h = item.payload;
    const key = new Date(h.hour).toISOString();
    const cur = byHour.get(key);
    byHour.set(key, cur
      ? { hour: key, entries: Math.max(cur.entries, h.entries), exits: Math.max(cur.exits, h.exits), captured: Math.max(cur.captured, h.captured) }
      : { hour: key, entries: h.entries, exits: h.exits, captured: h.captured });
  }
  const r = await q.query<{ hour: Date }>(
    `insert into footfall_hours (device_id, site_id, hour, entries, exits, captured)
     select $1, $2, r.hour, r.entries, r.exits, r.captured
     from jsonb_to_recordset($3::jsonb) as r(hour timestamptz, entries int, exits int, captured int)
     on conflict (device_id, hour) do update set
       entries = greatest(footfall_hours.entries, excluded.entries),
       exits = greatest(footfall_hours.exits, excluded.exits),
       captured = greatest(footfall_hours.captured, excluded.captured),
       received_at = now()
     where (excluded.entries > footfall_hours.entries or excluded.exits > footfall_hours.exits or excluded.captured > footfall_hours.captured)
     returning hour`,
    [device.id, device.siteId, JSON.stringify([...byHour.values()])],
  );
  const changed = new Set(r.rows.map((x) => new Date(x.hour).toISOString()));
  // An item applied when its hour changed and it carried that hour's winning figures.
  return items
    .filter(({ item }) => {
      const key = new Date(item.payload.hour).toISOString();
      const w = byHour.get(key)!;
      return changed.has(key) && item.payload.entries === w.entries && item.payload.exits === w.exits && item.payload.captured === w.captured;
    })
    .map((x) => x.index);
}
