import type { Db } from '../db/types.js';
import type { UserPrincipal } from '../auth.js';
import type { AlertEventView, AlertKind } from '../../../device/src/contracts/hq.js';

/** Alerts of the caller's visible sites, newest first (a regional manager sees only theirs). */
export async function alertHistory(db: Db, user: UserPrincipal, limit = 200): Promise<AlertEventView[]> {
  const r = await db.query<{
    id: string; rule_id: string; kind: string; site_id: string | null; site_name: string | null; timezone: string | null;
    device_id: string | null; device_name: string | null; camera_id: string | null; message: string; fired_at: Date; resolved_at: Date | null;
    d_status: string | null; d_attempts: number | null; d_error: string | null; d_at: Date | null;
  }>(
    `select e.id, e.rule_id, e.kind, e.site_id, s.name as site_name, s.timezone, e.device_id, d.name as device_name, e.camera_id, e.message,
       e.fired_at, e.resolved_at, x.status as d_status, x.attempts as d_attempts, x.last_error as d_error, x.delivered_at as d_at
     from alert_events e left join sites s on s.id = e.site_id left join devices d on d.id = e.device_id
     left join lateral (select status, attempts, last_error, delivered_at from alert_deliveries where event_id = e.id order by created_at desc limit 1) x on true
     where e.org_id = $1 and e.site_id = any($2::text[])
     order by e.fired_at desc, e.id limit $3`,
    [user.orgId, user.siteIds, limit],
  );
  return r.rows.map((e) => ({
    id: e.id,
    ruleId: e.rule_id,
    kind: e.kind as AlertKind,
    siteId: e.site_id,
    siteName: e.site_name,
    timezone: e.timezone,
    deviceId: e.device_id,
    deviceName: e.device_name,
    cameraId: e.camera_id,
    message: e.message,
    firedAt: e.fired_at.toISOString(),
    resolvedAt: e.resolved_at?.toISOString() ?? null,
    delivery: e.d_status ? { status: e.d_status, attempts: e.d_attempts ?? 0, lastError: e.d_error, deliveredAt: e.d_at?.toISOString() ?? null } : null,
  }));
}
