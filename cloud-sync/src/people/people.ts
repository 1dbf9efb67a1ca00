import { z } from 'zod';
import type { Db, Queryable } from '../db/types.js';
import { HttpError } from '../../../device/src/util/http-errors.js';
import { AcceptInviteRequest, InviteRequest, UserUpdate, type InviteAnswer, type PersonView } from '../../../device/src/contracts/hq.js';
import { hashPassword, randomSecret, sha256 } from '../../../device/src/util/passwords.js';
import type { UserPrincipal } from '../auth.js';
import { hashToken, newId, newToken } from '../tokens.js';
import { createSession, destroyUserSessions } from './sessions.js';

/** An invite (set your password) is good for a week; a new one can be issued at any time. */
export const INVITE_TTL_HOURS = 7 * 24;

export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body ?? {});
  if (!r.success) throw new HttpError(400, 'invalid_request', r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  return r.data;
}

export async function listPeople(db: Db, admin: UserPrincipal): Promise<PersonView[]> {
  const r = await db.query<{
    id: string; email: string; role: string; site_ids: string[] | null; disabled_at: Date | null; password_hash: string | null;
    token_hash: string | null; revoked_at: Date | null; created_at: Date; last_sign_in_at: Date | null; invite_expires_at: Date | null;
  }>(
    `select u.id, u.email, u.role, u.disabled_at, u.password_hash, u.token_hash, u.revoked_at, u.created_at, u.last_sign_in_at,
       u.invite_expires_at, (select array_agg(us.site_id order by us.site_id) from user_sites us where us.user_id = u.id) as site_ids
     from users u where u.org_id = $1 order by lower(u.email), u.id`,
    [admin.orgId],
  );
  return r.rows.map((u) => ({
    id: u.id,
    email: u.email,
    role: u.role as PersonView['role'],
    siteIds: u.role === 'regional_manager' ? (u.site_ids ?? []) : [],
    status: u.disabled_at ? 'disabled' : u.password_hash ? 'active' : 'invited',
    hasApiToken: !!u.token_hash && !u.revoked_at,
    createdAt: u.created_at.toISOString(),
    lastSignInAt: u.last_sign_in_at?.toISOString() ?? null,
    inviteExpiresAt: u.password_hash ? null : (u.invite_expires_at?.toISOString() ?? null),
  }));
}

function checkSites(admin: UserPrincipal, role: string, siteIds: string[]): string[] {
  const own = new Set(admin.siteIds);
  for (const s of siteIds) if (!own.has(s)) throw new HttpError(404, 'site_not_found', `site ${s} not found`);
  if (role !== 'regional_manager') return [];
  if (siteIds.length === 0) throw new HttpError(400, 'invalid_request', 'a regional manager needs siteIds');
  return [...new Set(siteIds)];
}

export async function issueInvite(q: Queryable, userId: string): Promise<{ code: string; expiresAt: string }> {
  const code = randomSecret(24);
  const r = await q.query<{ invite_expires_at: Date }>(
    `update users set invite_hash = $2, invite_expires_at = now() + make_interval(hours => $3) where id = $1 returning invite_expires_at`,
    [userId, sha256(code), INVITE_TTL_HOURS],
  );
  return { code, expiresAt: r.rows[0].invite_expires_at.toISOString() };
}

/**
 * A new person in the admin's organisation: a one-time invite code (shown once; the page turns it into
 * a link) to set their password, and, when asked for (integrations, the default for the API), an API token.
 */
export async function invitePerson(db: Db, admin: UserPrincipal, body: unknown): Promise<InviteAnswer> {
  const u = parseBody(InviteRequest, body);
  const siteIds = checkSites(admin, u.role, u.siteIds);
  const id = newId('usr');
  const token = u.apiToken ? newToken('u') : null;
  const invite = await db.tx(async (q) => {
    const dup = await q.query('select 1 from users where org_id = $1 and lower(email) = $2', [admin.orgId, u.email]);
    if (dup.rows.length) throw new HttpError(409, 'email_taken', `${u.email} already exists in this organisation`);
    await q.query('insert into users(id, org_id, email, role, token_hash) values ($1, $2, $3, $4, $5)', [id, admin.orgId, u.email, u.role, token ? hashToken(token) : null]);
    if (siteIds.length) await q.query('insert into user_sites(user_id, site_id) select $1, unnest($2::text[])', [id, siteIds]);
    return issueInvite(q, id);
  });
  return { id, email: u.email, role: u.role, siteIds, ...(token ? { token } : {}), invite };
}

async function ownUser(q: Queryable, admin: UserPrincipal, userId: string): Promise<{ id: string; role: string }> {
  const r = await q.query<{ id: string; role: string }>('select id, role from users where id = $1 and org_id = $2', [userId, admin.orgId]);
  if (!r.rows[0]) throw new HttpError(404, 'user_not_found', `user ${userId} not found`);
  return r.rows[0];
}

function notSelf(admin: UserPrincipal, userId: string, what: string): void {
  if (userId === admin.id) throw new HttpError(400, 'invalid_request', `you cannot ${what} yourself`);
}

/** Role and (regional manager) sites; the person's sessions end so the new rights apply at once. */
export async function updatePerson(db: Db, admin: UserPrincipal, userId: string, body: unknown) {
  const u = parseBody(UserUpdate, body);
  await db.tx(async (q) => {
    const cur = await ownUser(q, admin, userId);
    if (u.role && u.role !== cur.role) notSelf(admin, userId, 'change the role of');
    const role = u.role ?? cur.role;
    const current = (await q.query<{ site_id: string }>('select site_id from user_sites where user_id = $1', [userId])).rows.map((x) => x.site_id);
    const siteIds = checkSites(admin, role, u.siteIds ?? current);
    await q.query('update users set role = $2 where id = $1', [userId, role]);
    await q.query('delete from user_sites where user_id = $1', [userId]);
    if (siteIds.length) await q.query('insert into user_sites(user_id, site_id) select $1, unnest($2::text[])', [userId, siteIds]);
    await destroyUserSessions(q, userId);
  });
  return (await listPeople(db, admin)).find((p) => p.id === userId)!;
}

/** Disabled people cannot sign in; their sessions end and their API token stops working. */
export async function setDisabled(db: Db, admin: UserPrincipal, userId: string, disabled: boolean): Promise<void> {
  if (disabled) notSelf(admin, userId, 'disable');
  await db.tx(async (q) => {
    await ownUser(q, admin, userId);
    await q.query(`update users set disabled_at = case when $2 then coalesce(disabled_at, now()) else null end where id = $1`, [userId, disabled]);
    if (disabled) await destroyUserSessions(q, userId);
  });
}

/** A fresh invite for someone who lost theirs or forgot their password (the old one stops working). */
export async function reissueInvite(db: Db, admin: UserPrincipal, userId: string) {
  return db.tx(async (q) => {
    await ownUser(q, admin, userId);
    return issueInvite(q, userId);
  });
}

/** The invited person sets their password with the code; they are signed in and the code is spent. */
export async function acceptInvite(db: Db, body: unknown) {
  const req = parseBody(AcceptInviteRequest, body);
  const passwordHash = await hashPassword(req.password);
  return db.tx(async (q) => {
    const r = await q.query<{ id: string; email: string }>(
      `update users set password_hash = $2, invite_hash = null, invite_expires_at = null, failed_logins = 0, lockouts = 0,
         locked_until = null, last_sign_in_at = now()
       where invite_hash = $1 and invite_expires_at > now() and disabled_at is null returning id, email`,
      [sha256(req.code.trim()), passwordHash],
    );
    const u = r.rows[0];
    if (!u) throw new HttpError(403, 'invalid_invite', 'this invite is unknown, used or expired: ask your admin for a new one');
    await destroyUserSessions(q, u.id);
    return { userId: u.id, email: u.email, ...(await createSession(q, u.id)) };
  });
}
