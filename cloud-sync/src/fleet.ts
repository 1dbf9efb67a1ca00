import type { Db } from './db/types.js';

/** A device is online when its last heartbeat arrived (service clock) less than this ago. */
export const OFFLINE_AFTER_SECONDS = 180;

export interface FleetDevice {
  deviceId: string;
  name: string;
  siteId: string;
  siteName: string;
  balenaUuid: string | null;
  online: boolean;
  revoked: boolean;
  lastSeenAt: string | null;
  lastHeartbeatAt: string | null;
  versions: unknown;
  cpuTemperatureC: number | null;
  cpuLoadPercent: number | null;
  outbox: unknown;
  cameras: { cameraId: string; state: string; at: string; lastError: string | null; analysedFps: number | null }[];
}

export async function listFleet(db: Db, siteIds: string[]): Promise<FleetDevice[]> {
  const devs = await db.query<{
    id: string; name: string; site_id: string; site_name: string; balena_uuid: string | null; revoked_at: Date | null;
    last_seen_at: Date | null; last_heartbeat_at: Date | null; versions: unknown; last_heartbeat: Record<string, unknown> | null; online: boolean;
  }>(
    `select d.id, d.name, d.site_id, s.name as site_name, d.balena_uuid, d.revoked_at, d.last_seen_at, d.last_heartbeat_at,
       d.versions, d.last_heartbeat,
       (d.revoked_at is null and d.last_heartbeat_at > now() - make_interval(secs => $2)) as online
     from devices d join sites s on s.id = d.site_id where d.site_id = any($1::text[]) order by s.name, d.name, d.id`,
    [siteIds, OFFLINE_AFTER_SECONDS],
  );
  const cams = await db.query<{ device_id: string; camera_id: string; state: string; at: Date; payload: Record<string, unknown> }>(
    `select c.device_id, c.camera_id, c.state, c.at, c.payload from camera_status c join devices d on d.id = c.device_id
     where d.site_id = any($1::text[]) order by c.device_id, c.camera_id`,
    [siteIds],
  );
  const byDevice = new Map<string, FleetDevice['cameras']>();
  for (const c of cams.rows) {
    const list = byDevice.get(c.device_id) ?? [];
    list.push({
      cameraId: c.camera_id,
      state: c.state,
      at: c.at.toISOString(),
      lastError: (c.payload.lastError as string | null) ?? null,
      analysedFps: (c.payload.analysedFps as number | null) ?? null,
    });
    byDevice.set(c.device_id, list);
  }
  return devs.rows.map((d) => {
    const hb = d.last_heartbeat;
    return {
      deviceId: d.id,
      name: d.name,
      siteId: d.site_id,
      siteName: d.site_name,
      balenaUuid: d.balena_uuid,
      online: d.online === true,
      revoked: !!d.revoked_at,
      lastSeenAt: d.last_seen_at?.toISOString() ?? null,
      lastHeartbeatAt: d.last_heartbeat_at?.toISOString() ?? null,
      versions: d.versions,
      cpuTemperatureC: (hb?.cpuTemperatureC as number | null) ?? null,
      cpuLoadPercent: (hb?.cpuLoadPercent as number | null) ?? null,
      outbox: hb?.outbox ?? null,
      cameras: byDevice.get(d.id) ?? [],
    };
  });
}

/** Heartbeat retention: rows older than `days` are deleted (devices keep their latest heartbeat). */
export async function pruneHeartbeats(db: Db, days: number): Promise<number> {
  const r = await db.query(`delete from heartbeats where at < now() - make_interval(days => $1)`, [days]);
  return r.rowCount;
}
