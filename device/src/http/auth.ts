import type { Request } from 'express';
import type { Accounts } from '../accounts/accounts.js';
import type { Actor } from '../accounts/actor.js';
import { can } from '../contracts/roles.js';
import { safeEqual } from '../util/passwords.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, readCookies } from '../util/cookies.js';
import { HttpError } from './errors.js';
import type { Access } from './route.js';

export interface Authenticated {
  actor: Actor;
  /** How the request proved who it is: cookie sessions need CSRF checks on unsafe methods, bearer tokens don't. */
  via: 'session' | 'token';
  sessionId?: string;
  csrfToken?: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the caller from `Authorization: Bearer …` or the session cookie; null when anonymous. */
export async function authenticate(accounts: Accounts, req: Request): Promise<Authenticated | null> {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = m ? await accounts.store.verifyToken(m[1]) : null;
    // A wrong token is an error, not an anonymous request: integrations should notice.
    if (!actor) throw new HttpError(401, 'unauthenticated', 'invalid API token');
    return { actor, via: 'token' };
  }
  const sessionId = readCookies(req).get(SESSION_COOKIE);
  if (!sessionId) return null;
  const session = accounts.sessions.get(sessionId);
  if (!session) return null;
  const user = accounts.store.getUser(session.userId);
  if (!user || user.disabled) {
    await accounts.sessions.destroy(sessionId);
    return null;
  }
  return {
    actor: { kind: 'user', id: user.id, name: user.username, role: user.role },
    via: 'session',
    sessionId,
    csrfToken: session.csrfToken,
  };
}

/** Double-submit check: header, cookie and the session's own token must all agree. */
export function checkCsrf(req: Request, auth: Authenticated): void {
  if (auth.via !== 'session' || SAFE_METHODS.has(req.method)) return;
  const header = req.get(CSRF_HEADER) ?? '';
  const cookie = readCookies(req).get(CSRF_COOKIE) ?? '';
  if (!header || !cookie || !safeEqual(header, cookie) || !safeEqual(header, auth.csrfToken ?? ''))
    throw new HttpError(403, 'csrf_failed', `missing or wrong ${CSRF_HEADER} header`);
}

export function authorise(access: Access, auth: Authenticated | null): void {
  if (access === 'public') return;
  if (!auth) throw new HttpError(401, 'unauthenticated', 'sign in or send an API token');
  if (access === 'signed-in') return;
  if (!can(auth.actor.role, access)) throw new HttpError(403, 'forbidden', `role ${auth.actor.role} lacks ${access}`);
}
