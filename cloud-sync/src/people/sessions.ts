import type { Db, Queryable } from '../db/types.js';
import { randomSecret, sha256 } from '../../../device/src/util/passwords.js';
import type { SessionCookieNames } from '../../../device/src/util/cookies.js';

/** HQ's cookies, named apart from the appliance's (cookies are per host, not per port). */
export const HQ_COOKIES: SessionCookieNames = { session: 'cva_hq_session', csrf: 'cva_hq_csrf' };

/** Same limits as the appliance's sessions: 12 h idle, 7 days at most. */
export const SESSION_IDLE_SECONDS = 12 * 3600;
export const SESSION_MAX_SECONDS = 7 * 24 * 3600;
/** last_seen_at is written at most this often, so reading pages is not a write per request. */
const TOUCH_AFTER_SECONDS = 60;

export interface SessionRow {
  userId: string;
  csrfToken: string;
}

/**
 * Cookie sessions in the database, so any instance behind a load balancer knows them. Only the SHA-256
 * of the session id is stored: a database dump does not hold live cookies.
 */
export async function createSession(q: Queryable, userId: string): Promise<{ sessionId: string; csrfToken: string }> {
  const sessionId = randomSecret(32);
  const csrfToken = randomSecret(24);
  await q.query('insert into user_sessions(id_hash, user_id, csrf_token) values ($1, $2, $3)', [sha256(sessionId), userId, csrfToken]);
  return { sessionId, csrfToken };
}

export async function findSession(db: Db, sessionId: string): Promise<SessionRow | null> {
  const r = await db.query<{ user_id: string; csrf_token: string; stale: boolean }>(
    `select user_id, csrf_token, last_seen_at < now() - make_interval(secs => $4) as stale from user_sessions
     where id_hash = $1 and last_seen_at > now() - make_interval(secs => $2) and created_at > now() - make_interval(secs => $3)`,
    [sha256(sessionId), SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS, TOUCH_AFTER_SECONDS],
  );
  const row = r.rows[0];
  if (!row) return null;
  if (row.stale) await db.query('update user_sessions set last_seen_at = now() where id_hash = $1', [sha256(sessionId)]);
  return { userId: row.user_id, csrfToken: row.csrf_token };
}

export async function destroySession(db: Db, sessionId: string): Promise<void> {
  await db.query('delete from user_sessions where id_hash = $1', [sha256(sessionId)]);
}

/** Signs a person out everywhere (disabled, role changed, password set). */
export async function destroyUserSessions(q: Queryable, userId: string): Promise<void> {
  await q.query('delete from user_sessions where user_id = $1', [userId]);
}

export async function pruneSessions(db: Db): Promise<number> {
  const r = await db.query(
    `delete from user_sessions where last_seen_at < now() - make_interval(secs => $1) or created_at < now() - make_interval(secs => $2)`,
    [SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS],
  );
  return r.rowCount;
}
