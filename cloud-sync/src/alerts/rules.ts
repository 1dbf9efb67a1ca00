import type { Db } from '../db/types.js';
import { HttpError } from '../../../device/src/util/http-errors.js';
import { ALERT_UNITS, AlertRuleInput, AlertRuleUpdate, WebhookInput, type AlertKind, type AlertRuleView, type WebhookView } from '../../../device/src/contracts/hq.js';
import { randomSecret } from '../../../device/src/util/passwords.js';
import type { UserPrincipal } from '../auth.js';
import { parseBody } from '../people/people.js';
import { newId } from '../tokens.js';

/** Alert rules and the webhook of an organisation (org admins write; everyone in the org reads). */
const view = (r: { id: string; kind: AlertKind; threshold: number; enabled: boolean; created_at: Date }): AlertRuleView => ({
  id: r.id,
  kind: r.kind,
  threshold: r.threshold,
  unit: ALERT_UNITS[r.kind],
  enabled: r.enabled,
  createdAt: r.created_at.toISOString(),
});

export async function listRules(db: Db, user: UserPrincipal): Promise<AlertRuleView[]> {
  const r = await db.query<{ id: string; kind: AlertKind; threshold: number; enabled: boolean; created_at: Date }>(
    'select id, kind, threshold, enabled, created_at from alert_rules where org_id = $1 order by created_at, id',
    [user.orgId],
  );
  return r.rows.map(view);
}

export async function createRule(db: Db, admin: UserPrincipal, body: unknown): Promise<AlertRuleView> {
  const r = parseBody(AlertRuleInput, body);
  const row = await db.query<{ id: string; kind: AlertKind; threshold: number; enabled: boolean; created_at: Date }>(
    `insert into alert_rules(id, org_id, kind, threshold, enabled) values ($1, $2, $3, $4, $5) returning id, kind, threshold, enabled, created_at`,
    [newId('rule'), admin.orgId, r.kind, r.threshold, r.enabled],
  );
  return view(row.rows[0]);
}

export async function updateRule(db: Db, admin: UserPrincipal, ruleId: string, body: unknown): Promise<AlertRuleView> {
  const u = parseBody(AlertRuleUpdate, body);
  const cur = await db.query<{ kind: AlertKind; threshold: number; enabled: boolean }>('select kind, threshold, enabled from alert_rules where id = $1 and org_id = $2', [ruleId, admin.orgId]);
  if (!cur.rows[0]) throw new HttpError(404, 'rule_not_found', `rule ${ruleId} not found`);
  const next = parseBody(AlertRuleInput, { ...cur.rows[0], ...u });
  const row = await db.query<{ id: string; kind: AlertKind; threshold: number; enabled: boolean; created_at: Date }>(
    'update alert_rules set threshold = $3, enabled = $4 where id = $1 and org_id = $2 returning id, kind, threshold, enabled, created_at',
    [ruleId, admin.orgId, next.threshold, next.enabled],
  );
  return view(row.rows[0]);
}

export async function deleteRule(db: Db, admin: UserPrincipal, ruleId: string): Promise<void> {
  const r = await db.query('delete from alert_rules where id = $1 and org_id = $2', [ruleId, admin.orgId]);
  if (r.rowCount === 0) throw new HttpError(404, 'rule_not_found', `rule ${ruleId} not found`);
}

/** The webhook URL; the signing secret is shown to org admins only (they configure the receiver with it). */
export async function getWebhook(db: Db, user: UserPrincipal): Promise<WebhookView> {
  const r = await db.query<{ webhook_url: string | null; webhook_secret: string | null }>('select webhook_url, webhook_secret from organisations where id = $1', [user.orgId]);
  const o = r.rows[0];
  return { url: o?.webhook_url ?? null, secret: user.role === 'org_admin' ? (o?.webhook_secret ?? null) : null };
}

/** Sets the URL; the per-organisation secret is made on first use and kept (or replaced with `rotate`). */
export async function setWebhook(db: Db, admin: UserPrincipal, body: unknown, rotate = false) {
  const w = parseBody(WebhookInput, body);
  await db.query(
    `update organisations set webhook_url = $2,
       webhook_secret = case when $3 or webhook_secret is null then $4 else webhook_secret end where id = $1`,
    [admin.orgId, w.url, rotate, `whsec_${randomSecret(32)}`],
  );
  return getWebhook(db, admin);
}

export async function rotateWebhookSecret(db: Db, admin: UserPrincipal) {
  const cur = await getWebhook(db, admin);
  return setWebhook(db, admin, { url: cur.url }, true);
}
