import type { NextFunction, Request, Response } from 'express';
import type { Db } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import { hashToken } from './tokens.js';
import { CSRF_HEADER, readCookies } from '../../device/src/util/cookies.js';
import { safeEqual } from '../../device/src/util/passwords.js';
import { findSession, HQ_COOKIES } from './people/sessions.js';

export type Role = 'org_admin' | 'analyst' | 'regional_manager';
export const ROLES: readonly Role[] = ['org_admin', 'analyst', 'regional_manager'];

export interface UserPrincipal {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  /** Every site this user may see: the whole organisation, or a regional manager's list. */
  siteIds: string[];
  /** How the request proved who it is: cookie sessions need the CSRF header on writes, bearer tokens don't. */
  via?: 'token' | 'session';
}

export interface DevicePrincipal {
  id: string;
  siteId: string;
  orgId: string;
  timezone: string;
  /** When the box was claimed: how far back its visits may reach is counted from here. */
  claimedAt: Date;
}

function bearer(req: Request): string {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new HttpError(401, 'unauthenticated', 'missing bearer token');
  return m[1];
}

async function principal(db: Db, where: string, value: string): Promise<UserPrincipal | null> {
  const u = await db.query<{ id: string; org_id: string; email: string; role: Role }>(
    `select id, org_id, email, role from users where ${where} and disabled_at is null`,
    [value],
  );
  const row = u.rows[0];
  if (!row) return null;
  const sites =
    row.role === 'regional_manager'
      ? await db.query<{ id: string }>(
          'select s.id from user_sites us join sites s on s.id = us.site_id where us.user_id = $1 and s.org_id = $2 order by s.id',
          [row.id, row.org_id],
        )
      : await db.query<{ id: string }>('select id from sites where org_id = $1 order by id', [row.org_id]);
  return { id: row.id, orgId: row.org_id, email: row.email, role: row.role, siteIds: sites.rows.map((s) => s.id) };
}

/** An API token's person (unrevoked token, person not disabled). */
export async function findUser(db: Db, token: string): Promise<UserPrincipal | null> {
  const p = await principal(db, 'token_hash = $1 and revoked_at is null', hashToken(token));
  return p && { ...p, via: 'token' };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A signed-in person from the HQ session cookie. Writes need the double-submit CSRF check: the
 * X-CSRF-Token header, the CSRF cookie and the session's own token must agree.
 */
async function sessionUser(db: Db, req: Request): Promise<UserPrincipal | null> {
  const cookies = readCookies(req);
  const sid = cookies.get(HQ_COOKIES.session);
  if (!sid) return null;
  const session = await findSession(db, sid);
  if (!session) return null;
  if (!SAFE_METHODS.has(req.method)) {
    const header = req.get(CSRF_HEADER) ?? '';
    const cookie = cookies.get(HQ_COOKIES.csrf) ?? '';
    if (!header || !safeEqual(header, cookie) || !safeEqual(header, session.csrfToken)) {
      throw new HttpError(403, 'csrf_failed', `missing or wrong ${CSRF_HEADER} header`);
    }
  }
  const p = await principal(db, 'id = $1', session.userId);
  return p && { ...p, via: 'session' };
}

export async function findDevice(db: Db, token: string): Promise<DevicePrincipal | null> {
  const r = await db.query<{ id: string; site_id: string; org_id: string; timezone: string; claimed_at: Date }>(
    `select d.id, d.site_id, s.org_id, s.timezone, d.claimed_at from devices d join sites s on s.id = d.site_id
     where d.token_hash = $1 and d.revoked_at is null`,
    [hashToken(token)],
  );
  const row = r.rows[0];
  return row ? { id: row.id, siteId: row.site_id, orgId: row.org_id, timezone: row.timezone, claimedAt: new Date(row.claimed_at) } : null;
}

/** Express middleware: a valid, unrevoked device bearer token → res.locals.device. */
export function requireDevice(db: Db) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const device = await findDevice(db, bearer(req));
    if (!device) throw new HttpError(401, 'invalid_token', 'unknown or revoked device token');
    res.locals.device = device;
    next();
  };
}

/** Express middleware: a person by API token (integrations) or by the HQ session cookie (the page). */
export function requireUser(db: Db) {
  return async (req: Request, res: Response, next: NextFunction) => {
    let user: UserPrincipal | null;
    if (req.headers.authorization !== undefined) {
      user = await findUser(db, bearer(req));
      if (!user) throw new HttpError(401, 'invalid_token', 'unknown or revoked user token');
    } else {
      user = await sessionUser(db, req);
      if (!user) throw new HttpError(401, 'unauthenticated', 'sign in or send an API token');
    }
    res.locals.user = user;
    next();
  };
}

export function userOf(res: Response): UserPrincipal {
  return res.locals.user as UserPrincipal;
}

export function requireAdmin(user: UserPrincipal): void {
  if (user.role !== 'org_admin') throw new HttpError(403, 'forbidden', 'only an organisation admin may do this');
}

/**
 * The sites a request may read: `sites=a,b` must all be visible (else 404, so foreign ids do not
 * even reveal their existence); no parameter means every visible site.
 */
export function scopeSites(user: UserPrincipal, requested: unknown): string[] {
  if (requested === undefined || requested === '') return user.siteIds;
  const ids = String(requested).split(',').map((s) => s.trim()).filter(Boolean);
  const visible = new Set(user.siteIds);
  for (const id of ids) if (!visible.has(id)) throw new HttpError(404, 'site_not_found', `site ${id} not found`);
  return [...new Set(ids)];
}
