import { z } from 'zod';
import { ClaimRequest, type ClaimResponse } from '../../device/src/contracts/sync.js';
import type { Db, Queryable } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import type { UserPrincipal } from './auth.js';
import { SiteCreate } from '../../device/src/contracts/hq.js';
import { hashToken, newClaimCode, newId, newToken } from './tokens.js';
import { issueInvite } from './people/people.js';

/** Organisation, site, user, claim-code and device management: the domain operations behind the admin API and CLI. */

export const NewClaimCode = z.object({ ttlMinutes: z.number().int().min(5).max(7 * 24 * 60).default(24 * 60) });

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new HttpError(400, 'invalid_request', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

export async function assertTimezone(q: Queryable, tz: string): Promise<void> {
  const r = await q.query<{ n: number }>('select count(*)::int as n from pg_timezone_names where name = $1', [tz]);
  if (!r.rows[0]?.n) throw new HttpError(400, 'invalid_timezone', `unknown time zone ${tz}`);
}

/** The CLI's first admin: an API token and an invite code to set a password on the page, both shown once. */
export async function createOrganisationWithAdmin(db: Db, orgName: string, email: string) {
  const name = z.string().trim().min(1).max(120).parse(orgName);
  const mail = z.string().trim().toLowerCase().email().parse(email);
  const orgId = newId('org');
  const userId = newId('usr');
  const token = newToken('u');
  const invite = await db.tx(async (q) => {
    await q.query('insert into organisations(id, name) values ($1, $2)', [orgId, name]);
    await q.query(`insert into users(id, org_id, email, role, token_hash) values ($1, $2, $3, 'org_admin', $4)`, [userId, orgId, mail, hashToken(token)]);
    await q.query('delete from setup_codes');
    return issueInvite(q, userId);
  });
  return { orgId, userId, email: mail, token, invite };
}

export async function createSite(db: Db, user: UserPrincipal, body: unknown) {
  const s = parse(SiteCreate, body);
  await assertTimezone(db, s.timezone);
  const id = newId('site');
  await db.query('insert into sites(id, org_id, name, timezone, region) values ($1, $2, $3, $4, $5)', [id, user.orgId, s.name, s.timezone, s.region || null]);
  return { id, name: s.name, timezone: s.timezone, region: s.region || null };
}

export async function listSites(db: Db, user: UserPrincipal) {
  const r = await db.query('select id, name, timezone, region from sites where id = any($1::text[]) order by name, id', [user.siteIds]);
  return r.rows;
}

export async function createClaimCode(db: Db, admin: UserPrincipal, siteId: string, body: unknown) {
  if (!admin.siteIds.includes(siteId)) throw new HttpError(404, 'site_not_found', `site ${siteId} not found`);
  const { ttlMinutes } = parse(NewClaimCode, body ?? {});
  for (let attempt = 0; attempt < 5; attempt++) {
    const code = newClaimCode();
    const r = await db.query<{ expires_at: Date }>(
      `insert into claim_codes(code, site_id, created_by, expires_at) values ($1, $2, $3, now() + make_interval(mins => $4))
       on conflict do nothing returning expires_at`,
      [code, siteId, admin.id, ttlMinutes],
    );
    if (r.rows[0]) return { code, siteId, expiresAt: r.rows[0].expires_at.toISOString() };
  }
  throw new HttpError(503, 'claim_code_exhausted', 'could not allocate a unique claim code, retry');
}

/** Exchanges a single-use, unexpired claim code for a device token bound to the code's site. */
export async function claimDevice(db: Db, body: unknown): Promise<ClaimResponse> {
  const req = parse(ClaimRequest, body);
  const deviceId = newId('dev');
  const token = newToken('d');
  return db.tx(async (q) => {
    const used = await q.query<{ site_id: string }>(
      `update claim_codes set used_at = now(), used_by_device = $2
       where code = $1 and used_at is null and revoked_at is null and expires_at > now() returning site_id`,
      [req.claimCode, deviceId],
    );
    const siteId = used.rows[0]?.site_id;
    if (!siteId) throw new HttpError(403, 'invalid_claim_code', 'claim code is unknown, expired or already used');
    await q.query(
      `insert into devices(id, site_id, name, balena_uuid, token_hash, claim_code, versions) values ($1, $2, $3, $4, $5, $6, $7)`,
      [deviceId, siteId, req.deviceName, req.balenaUuid, hashToken(token), req.claimCode, req.versions ? JSON.stringify(req.versions) : null],
    );
    const site = (await q.query<{ name: string; timezone: string }>('select name, timezone from sites where id = $1', [siteId])).rows[0];
    return { deviceId, siteId, siteName: site.name, timezone: site.timezone, token };
  });
}

export async function revokeDevice(db: Db, admin: UserPrincipal, deviceId: string): Promise<void> {
  const r = await db.query(
    'update devices set revoked_at = coalesce(revoked_at, now()) where id = $1 and site_id = any($2::text[])',
    [deviceId, admin.siteIds],
  );
  if (r.rowCount === 0) throw new HttpError(404, 'device_not_found', `device ${deviceId} not found`);
}

/** Revokes a user's API token (an admin cannot lock themselves out this way). */
export async function revokeUser(db: Db, admin: UserPrincipal, userId: string): Promise<void> {
  if (userId === admin.id) throw new HttpError(400, 'invalid_request', 'you cannot revoke your own token');
  const r = await db.query(
    'update users set revoked_at = coalesce(revoked_at, now()) where id = $1 and org_id = $2',
    [userId, admin.orgId],
  );
  if (r.rowCount === 0) throw new HttpError(404, 'user_not_found', `user ${userId} not found`);
}
