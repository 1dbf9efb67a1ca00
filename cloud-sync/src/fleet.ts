import type { Db } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import type { DeviceDetail, FleetCamera, FleetDevice } from '../../device/src/contracts/hq.js';

export type { FleetDevice };

/** A device is online when its last heartbeat arrived (service clock) less than this ago. */
export const OFFLINE_AFTER_SECONDS = 180;

type HeartbeatJson = Record<string, unknown> & { cameras?: Array<Record<string, unknown>>; outbox?: { pendingItems?: number } };

interface DeviceRow {
  id: string; name: string; site_id: string; site_name: string; region: string | null; timezone: string; balena_uuid: string | null;
  revoked_at: Date | null; last_seen_at: Date | null; last_heartbeat_at: Date | null; last_visit_at: Date | null; versions: unknown;
  last_heartbeat: HeartbeatJson | null; online: boolean;
}

const DEVICE_COLUMNS = `d.id, d.name, d.site_id, s.name as site_name, s.region, s.timezone, d.balena_uuid, d.revoked_at, d.last_seen_at,
  d.last_heartbeat_at, d.last_visit_at, d.versions, d.last_heartbeat,
  (d.revoked_at is null and d.last_heartbeat_at > now() - make_interval(secs => $2)) as online`;

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function toFleetDevice(d: DeviceRow, statuses: Array<{ camera_id: string; state: string; at: Date; payload: Record<string, unknown> }>): FleetDevice {
  const hb = d.last_heartbeat;
  const live = new Map((hb?.cameras ?? []).map((c) => [String(c.cameraId), c]));
  const cameras: FleetCamera[] = statuses.map((c) => ({
    cameraId: c.camera_id,
    state: c.state,
    at: c.at.toISOString(),
    lastError: (c.payload.lastError as string | null) ?? null,
    analysedFps: num(live.get(c.camera_id)?.analysedFps),
    inputFps: num(live.get(c.camera_id)?.inputFps),
  }));
  // A camera the heartbeat knows but no status item has announced yet.
  for (const [id, c] of live) {
    if (!cameras.some((x) => x.cameraId === id)) {
      cameras.push({ cameraId: id, state: String(c.state), at: d.last_heartbeat_at?.toISOString() ?? '', lastError: (c.lastError as string | null) ?? null, analysedFps: num(c.analysedFps), inputFps: num(c.inputFps) });
    }
  }
  const used = num(hb?.diskUsedBytes);
  const total = num(hb?.diskTotalBytes);
  const up = cameras.filter((c) => c.state === 'running').length;
  return {
    deviceId: d.id,
    name: d.name,
    siteId: d.site_id,
    siteName: d.site_name,
    region: d.region,
    timezone: d.timezone,
    balenaUuid: d.balena_uuid,
    online: d.online === true,
    revoked: !!d.revoked_at,
    lastSeenAt: d.last_seen_at?.toISOString() ?? null,
    lastHeartbeatAt: d.last_heartbeat_at?.toISOString() ?? null,
    lastVisitAt: d.last_visit_at?.toISOString() ?? null,
    versions: d.versions,
    cpuTemperatureC: num(hb?.cpuTemperatureC),
    cpuLoadPercent: num(hb?.cpuLoadPercent),
    diskPercent: used !== null && total ? Math.round((1000 * used) / total) / 10 : null,
    outbox: hb?.outbox ?? null,
    backlog: num(hb?.outbox?.pendingItems),
    camerasUp: up,
    camerasDown: cameras.length - up,
    cameras,
  };
}

export async function listFleet(db: Db, siteIds: string[]): Promise<FleetDevice[]> {
  const devs = await db.query<DeviceRow>(
    `select ${DEVICE_COLUMNS} from devices d join sites s on s.id = d.site_id where d.site_id = any($1::text[]) order by s.name, d.name, d.id`,
    [siteIds, OFFLINE_AFTER_SECONDS],
  );
  const cams = await db.query<{ device_id: string; camera_id: string; state: string; at: Date; payload: Record<string, unknown> }>(
    `select c.device_id, c.camera_id, c.state, c.at, c.payload from camera_status c join devices d on d.id = c.device_id
     where d.site_id = any($1::text[]) order by c.device_id, c.camera_id`,
    [siteIds],
  );
  const byDevice = new Map<string, typeof cams.rows>();
  for (const c of cams.rows) {
    const list = byDevice.get(c.device_id) ?? [];
    list.push(c);
    byDevice.set(c.device_id, list);
  }
  return devs.rows.map((d) => toFleetDevice(d, byDevice.get(d.id) ?? []));
}

/** History points kept for the charts: heartbeats are averaged into at most this many buckets. */
const MAX_POINTS = 360;

/**
 * One device for its page: the fleet row, heartbeat history (temperature, CPU, backlog, per-camera
 * analysed fps) over the last `hours`, and its latest visits. 404 outside the caller's sites.
 */
export async function deviceDetail(db: Db, siteIds: string[], deviceId: string, hours: number): Promise<DeviceDetail> {
  const r = await db.query<DeviceRow>(
    `select ${DEVICE_COLUMNS} from devices d join sites s on s.id = d.site_id where d.id = $3 and d.site_id = any($1::text[])`,
    [siteIds, OFFLINE_AFTER_SECONDS, deviceId],
  );
  const row = r.rows[0];
  if (!row) throw new HttpError(404, 'device_not_found', `device ${deviceId} not found`);
  const cams = await db.query<{ camera_id: string; state: string; at: Date; payload: Record<string, unknown> }>(
    'select camera_id, state, at, payload from camera_status where device_id = $1 order by camera_id',
    [deviceId],
  );
  const bucketSeconds = Math.max(60, Math.ceil((hours * 3600) / MAX_POINTS));
  const hist = await db.query<{ t: Date; temp: number | null; cpu: number | null; backlog: number | null; disk: number | null; fps: Record<string, number> | null }>(
    `with h as (
       select to_timestamp(floor(extract(epoch from at) / $3) * $3) as t, payload from heartbeats
       where device_id = $1 and at > now() - make_interval(hours => $2))
     select h.t, avg((payload->>'cpuTemperatureC')::float8) as temp, avg((payload->>'cpuLoadPercent')::float8) as cpu,
       avg((payload->'outbox'->>'pendingItems')::float8) as backlog,
       avg(100 * (payload->>'diskUsedBytes')::float8 / nullif((payload->>'diskTotalBytes')::float8, 0)) as disk,
       (select jsonb_object_agg(k, v) from (
          select c->>'cameraId' as k, avg((c->>'analysedFps')::float8) as v from h h2, jsonb_array_elements(h2.payload->'cameras') c
          where h2.t = h.t group by 1) x) as fps
     from h group by h.t order by h.t`,
    [deviceId, hours, bucketSeconds],
  );
  const visits = await db.query<{ visit_id: string; person_id: string; kind: string; arrived_at: Date; departed_at: Date | null; dwell_seconds: number; status: string; is_returning: boolean }>(
    `select visit_id, person_id, kind, arrived_at, departed_at, dwell_seconds, status, is_returning from visits
     where device_id = $1 and arrived_at > now() - interval '90 days' order by arrived_at desc limit 20`,
    [deviceId],
  );
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    device: toFleetDevice(row, cams.rows),
    history: {
      hours,
      bucketSeconds,
      points: hist.rows.map((p) => ({
        at: p.t.toISOString(),
        cpuTemperatureC: round(p.temp),
        cpuLoadPercent: round(p.cpu),
        backlog: round(p.backlog),
        diskPercent: round(p.disk),
        analysedFps: Object.fromEntries(Object.entries(p.fps ?? {}).map(([k, v]) => [k, round(v)])),
      })),
    },
    recentVisits: visits.rows.map((v) => ({
      visitId: v.visit_id,
      personId: v.person_id,
      kind: v.kind,
      arrivedAt: v.arrived_at.toISOString(),
      departedAt: v.departed_at?.toISOString() ?? null,
      dwellSeconds: v.dwell_seconds,
      status: v.status,
      returning: v.is_returning,
    })),
  };
}

/** Heartbeat retention: rows older than `days` are deleted (devices keep their latest heartbeat). */
export async function pruneHeartbeats(db: Db, days: number): Promise<number> {
  const r = await db.query(`delete from heartbeats where at < now() - make_interval(days => $1)`, [days]);
  return r.rowCount;
}
