import type { Db, Queryable } from '../db/types.js';
import { ALERT_UNITS, type AlertKind, type AlertWebhookBody } from '../../../device/src/contracts/hq.js';
import { newId } from '../tokens.js';

/** Only one instance evaluates at a time; the others skip this round (the next one is seconds away). */
const EVALUATION_LOCK = 746_201_004;

interface Breach {
  rule_id: string;
  org_id: string;
  subject: string;
  site_id: string;
  device_id: string;
  camera_id: string | null;
  value: number;
  message: string;
}

/**
 * The subjects breaching each enabled rule right now. Devices that were revoked never alert. Every kind
 * reads what heartbeats left on the device row (service clock for offline, so a box with a wrong clock
 * cannot hide), or the camera's latest state.
 */
const BREACHES = `
with r as (select id, org_id, kind, threshold from alert_rules where enabled),
d as (select d.id, d.name, d.site_id, s.org_id, s.name as site_name, d.last_heartbeat, coalesce(d.last_heartbeat_at, d.claimed_at) as heard_at
      from devices d join sites s on s.id = d.site_id where d.revoked_at is null)
select r.id as rule_id, r.org_id, d.id as subject, d.site_id, d.id as device_id, null::text as camera_id,
  extract(epoch from now() - d.heard_at) / 60 as value,
  d.name || ' at ' || d.site_name || ' has sent no heartbeat for ' || round((extract(epoch from now() - d.heard_at) / 60)::numeric, 1) || ' min' as message
from r join d on d.org_id = r.org_id
where r.kind = 'device_offline' and d.heard_at < now() - make_interval(secs => r.threshold * 60)
union all
select r.id, r.org_id, d.id || '/' || c.camera_id, d.site_id, d.id, c.camera_id,
  extract(epoch from now() - c.at) / 60,
  'camera ' || c.camera_id || ' of ' || d.name || ' at ' || d.site_name || ' is ' || c.state || coalesce(' (' || (c.payload->>'lastError') || ')', '')
    || ' for ' || round((extract(epoch from now() - c.at) / 60)::numeric, 1) || ' min'
from r join d on d.org_id = r.org_id join camera_status c on c.device_id = d.id
where r.kind = 'camera_down' and c.state not in ('running', 'starting') and c.at < now() - make_interval(secs => r.threshold * 60)
union all
select r.id, r.org_id, d.id, d.site_id, d.id, null, (d.last_heartbeat->'outbox'->>'pendingItems')::float8,
  d.name || ' at ' || d.site_name || ' has ' || (d.last_heartbeat->'outbox'->>'pendingItems') || ' items waiting to upload'
from r join d on d.org_id = r.org_id
where r.kind = 'backlog_above' and (d.last_heartbeat->'outbox'->>'pendingItems')::float8 > r.threshold
union all
select r.id, r.org_id, d.id, d.site_id, d.id, null, 100 * (d.last_heartbeat->>'diskUsedBytes')::float8 / (d.last_heartbeat->>'diskTotalBytes')::float8,
  d.name || ' at ' || d.site_name || ' data disk is ' || round((100 * (d.last_heartbeat->>'diskUsedBytes')::float8 / (d.last_heartbeat->>'diskTotalBytes')::float8)::numeric, 1) || ' % full'
from r join d on d.org_id = r.org_id
where r.kind = 'disk_above' and (d.last_heartbeat->>'diskTotalBytes')::float8 > 0
  and 100 * (d.last_heartbeat->>'diskUsedBytes')::float8 / (d.last_heartbeat->>'diskTotalBytes')::float8 > r.threshold`;

export interface EvaluationResult {
  evaluated: boolean;
  fired: number;
  resolved: number;
}

/**
 * One evaluation round: opens an event for every new breach, resolves events whose breach ended, and
 * queues a webhook delivery for each transition, all in one transaction. The advisory lock keeps
 * instances from evaluating together; the partial unique index (one open event per rule and subject)
 * makes a double firing impossible even so.
 */
export async function evaluateAlerts(db: Db): Promise<EvaluationResult> {
  return db.tx(async (q) => {
    const got = await q.query<{ ok: boolean }>('select pg_try_advisory_xact_lock($1) as ok', [EVALUATION_LOCK]);
    if (!got.rows[0]?.ok) return { evaluated: false, fired: 0, resolved: 0 };
    const breaches = (await q.query<Breach>(BREACHES)).rows;
    let fired = 0;
    for (const b of breaches) {
      const ins = await q.query<{ id: string }>(
        `insert into alert_events(id, org_id, rule_id, kind, subject, site_id, device_id, camera_id, message, value)
         select $1, $2, $3, kind, $4, $5, $6, $7, $8, $9 from alert_rules where id = $3
         on conflict (rule_id, subject) where resolved_at is null do nothing returning id`,
        [newId('alert'), b.org_id, b.rule_id, b.subject, b.site_id, b.device_id, b.camera_id, b.message, b.value],
      );
      if (ins.rows[0]) {
        fired++;
        await queueDelivery(q, ins.rows[0].id, 'fired');
      }
    }
    const still = new Set(breaches.map((b) => `${b.rule_id}|${b.subject}`));
    const open = await q.query<{ id: string; rule_id: string; subject: string; enabled: boolean | null }>(
      `select e.id, e.rule_id, e.subject, r.enabled from alert_events e left join alert_rules r on r.id = e.rule_id where e.resolved_at is null`,
    );
    let resolved = 0;
    for (const e of open.rows) {
      if (still.has(`${e.rule_id}|${e.subject}`)) continue;
      await q.query('update alert_events set resolved_at = now() where id = $1', [e.id]);
      resolved++;
      // A rule switched off ends its alerts quietly; a breach that ended is news.
      if (e.enabled) await queueDelivery(q, e.id, 'resolved');
    }
    return { evaluated: true, fired, resolved };
  });
}

/** Freezes the webhook body at the moment of the transition; nothing is queued when no webhook is set. */
async function queueDelivery(q: Queryable, eventId: string, transition: 'fired' | 'resolved'): Promise<void> {
  const r = await q.query<{
    id: string; org_id: string; rule_id: string; kind: AlertKind; threshold: number; site_id: string | null; site_name: string | null;
    device_id: string | null; device_name: string | null; camera_id: string | null; message: string; value: number | null;
    fired_at: Date; resolved_at: Date | null; webhook_url: string | null;
  }>(
    `select e.id, e.org_id, e.rule_id, e.kind, r.threshold, e.site_id, s.name as site_name, e.device_id, d.name as device_name, e.camera_id,
       e.message, e.value, e.fired_at, e.resolved_at, o.webhook_url
     from alert_events e join alert_rules r on r.id = e.rule_id join organisations o on o.id = e.org_id
     left join sites s on s.id = e.site_id left join devices d on d.id = e.device_id where e.id = $1`,
    [eventId],
  );
  const e = r.rows[0];
  if (!e?.webhook_url) return;
  const deliveryId = newId('dlv');
  const body: AlertWebhookBody = {
    deliveryId,
    event: transition === 'fired' ? 'alert.fired' : 'alert.resolved',
    organisationId: e.org_id,
    alert: {
      id: e.id,
      ruleId: e.rule_id,
      kind: e.kind,
      threshold: e.threshold,
      unit: ALERT_UNITS[e.kind],
      siteId: e.site_id,
      siteName: e.site_name,
      deviceId: e.device_id,
      deviceName: e.device_name,
      cameraId: e.camera_id,
      message: e.message,
      value: e.value === null ? null : Math.round(e.value * 100) / 100,
      firedAt: e.fired_at.toISOString(),
      resolvedAt: e.resolved_at?.toISOString() ?? null,
    },
  };
  await q.query(
    `insert into alert_deliveries(id, event_id, org_id, transition, url, body) values ($1, $2, $3, $4, $5, $6)`,
    [deliveryId, eventId, e.org_id, transition, e.webhook_url, JSON.stringify(body)],
  );
}
