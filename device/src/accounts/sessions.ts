import { z } from 'zod';
import { randomSecret, sha256 } from '../util/passwords.js';
import type { AccountsPersistence } from './persistence.js';
import type { JsonDocument } from '../store/json-document.js';
import { systemClock, type Clock } from '../util/clock.js';
import { createLogger, type Logger } from '../util/log.js';

export interface Session {
  userId: string;
  /** Double-submit CSRF token bound to this session. */
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

export interface SessionLimits {
  idleMs: number;
  absoluteMs: number;
}

export const defaultSessionLimits: SessionLimits = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 };

/**
 * How often a session's last-seen time is written back. The idle limit is hours, so a minute of staleness
 * after a restart costs nothing, and browsing does not rewrite the document on every request.
 */
export const LAST_SEEN_WRITE_MS = 60_000;

/** At rest: the SHA-256 of the session id, never the id (the cookie) itself. */
const StoredSession = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  userId: z.string(),
  csrfToken: z.string(),
  createdAt: z.number().int(),
  lastSeenAt: z.number().int(),
});
const SessionsFile = z.object({ sessions: z.array(StoredSession) });
type SessionsFile = z.infer<typeof SessionsFile>;

/**
 * Cookie sessions. Only a SHA-256 of each session id is held, in memory and in the `sessions` document of the
 * on-box store, so sessions survive a restart or an update (a release at noon does not sign the shop out) while
 * neither a heap dump nor a copy of the store gives a usable cookie. Idle and absolute limits hold across
 * restarts: both are checked against the stored times.
 *
 * Reads are synchronous from memory; creating and ending sessions is durable before it returns. Last-seen times
 * are written back at most once a minute per session.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session & { writtenSeenAt: number }>();
  private readonly log: Logger;

  constructor(
    private readonly limits: SessionLimits = defaultSessionLimits,
    private readonly clock: Clock = systemClock,
    private readonly doc: JsonDocument<SessionsFile> | null = null,
    log?: Logger,
  ) {
    this.log = log ?? createLogger('sessions');
    const now = clock.now();
    for (const s of doc?.data.sessions ?? []) {
      const session = { userId: s.userId, csrfToken: s.csrfToken, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, writtenSeenAt: s.lastSeenAt };
      if (!this.expired(session, now)) this.sessions.set(s.hash, session);
    }
  }

  /** Sessions kept in the store's `sessions` document (expired ones are dropped on open). */
  static async open(persistence: AccountsPersistence, limits: SessionLimits = defaultSessionLimits, clock: Clock = systemClock, log?: Logger): Promise<SessionStore> {
    const doc = await persistence.document('sessions', SessionsFile, { sessions: [] });
    const store = new SessionStore(limits, clock, doc, log);
    if (store.sessions.size !== doc.data.sessions.length) await store.persist();
    return store;
  }

  async create(userId: string): Promise<{ sessionId: string; session: Session }> {
    this.sweep();
    const sessionId = randomSecret(32);
    const now = this.clock.now();
    const session = { userId, csrfToken: randomSecret(24), createdAt: now, lastSeenAt: now, writtenSeenAt: now };
    this.sessions.set(sha256(sessionId), session);
    await this.persist();
    return { sessionId, session: publicView(session) };
  }

  get(sessionId: string): Session | null {
    const key = sha256(sessionId);
    const s = this.sessions.get(key);
    if (!s) return null;
    const now = this.clock.now();
    if (this.expired(s, now)) {
      this.sessions.delete(key);
      this.persistLater();
      return null;
    }
    s.lastSeenAt = now;
    if (now - s.writtenSeenAt >= LAST_SEEN_WRITE_MS) this.persistLater();
    return publicView(s);
  }

  async destroy(sessionId: string): Promise<void> {
    if (this.sessions.delete(sha256(sessionId))) await this.persist();
  }

  /** Signs a user out everywhere (password changed, disabled, removed). */
  async destroyForUser(userId: string): Promise<void> {
    let changed = false;
    for (const [k, s] of this.sessions)
      if (s.userId === userId) {
        this.sessions.delete(k);
        changed = true;
      }
    if (changed) await this.persist();
  }

  /** Live sessions (for tests and health). */
  get size(): number {
    return this.sessions.size;
  }

  private expired(s: Session, now: number): boolean {
    return now - s.lastSeenAt > this.limits.idleMs || now - s.createdAt > this.limits.absoluteMs;
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, s] of this.sessions) if (this.expired(s, now)) this.sessions.delete(k);
  }

  /** Writes the whole (small) session list; the document serialises concurrent writes. */
  private async persist(): Promise<void> {
    if (!this.doc) return;
    const rows = [...this.sessions].map(([hash, s]) => ({ hash, userId: s.userId, csrfToken: s.csrfToken, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt }));
    for (const [, s] of this.sessions) s.writtenSeenAt = s.lastSeenAt;
    await this.doc.update(() => ({ sessions: rows }));
  }

  /** A background write for reads (last-seen, expiry): a failure is logged, the session in memory stays valid. */
  private persistLater(): void {
    this.persist().catch((e) => this.log.warn(`sessions: writing the session list failed: ${(e as Error).message}`));
  }
}

const publicView = ({ writtenSeenAt: _w, ...s }: Session & { writtenSeenAt: number }): Session => ({ ...s });
