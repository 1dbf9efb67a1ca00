import type { NextFunction, Request, Response } from 'express';
import type { Db } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import { hashToken } from './tokens.js';

export type Role = 'org_admin' | 'analyst' | 'regional_manager';
export const ROLES: readonly Role[] = ['org_admin', 'analyst', 'regional_manager'];

export interface UserPrincipal {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  /** Every site this user may see: the whole organisation, or a regional manager's list. */
  siteIds: string[];
}

export interface DevicePrincipal {
  id: string;
  siteId: string;
  orgId: string;
  timezone: string;
}

function bearer(req: Request): string {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new HttpError(401, 'unauthenticated', 'missing bearer token');
  return m[1];
}

export async function findUser(db: Db, token: string): Promise<UserPrincipal | null> {
  const u = await db.query<{ id: string; org_id: string; email: string; role: Role }>(
    'select id, org_id, email, role from users where token_hash = $1 and revoked_at is null',
    [hashToken(token)],
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

export async function findDevice(db: Db, token: string): Promise<DevicePrincipal | null> {
  const r = await db.query<{ id: string; site_id: string; org_id: string; timezone: string }>(
    `select d.id, d.site_id, s.org_id, s.timezone from devices d join sites s on s.id = d.site_id
     where d.token_hash = $1 and d.revoked_at is null`,
    [hashToken(token)],
  );
  const row = r.rows[0];
  return row ? { id: row.id, siteId: row.site_id, orgId: row.org_id, timezone: row.timezone } : null;
}

/** Express middleware: a valid, unrevoked bearer token of the given kind → res.locals[slot]. */
function requireToken<P>(db: Db, find: (db: Db, token: string) => Promise<P | null>, slot: 'user' | 'device') {
  return async (req: Request, res: Response, next: NextFunction) => {
    const principal = await find(db, bearer(req));
    if (!principal) throw new HttpError(401, 'invalid_token', `unknown or revoked ${slot} token`);
    res.locals[slot] = principal;
    next();
  };
}

export const requireUser = (db: Db) => requireToken(db, findUser, 'user');
export const requireDevice = (db: Db) => requireToken(db, findDevice, 'device');

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
