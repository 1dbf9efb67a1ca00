import { randomSecret, sha256 } from '../util/passwords.js';
import { systemClock, type Clock } from '../util/clock.js';

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

/**
 * Cookie sessions, kept in memory (a restart signs everyone out, which is acceptable on a shop
 * appliance). Only a SHA-256 of the session id is held, so a heap dump doesn't leak live cookies.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(
    private readonly limits: SessionLimits = { idleMs: 12 * 3600_000, absoluteMs: 7 * 24 * 3600_000 },
    private readonly clock: Clock = systemClock,
  ) {}

  create(userId: string): { sessionId: string; session: Session } {
    this.sweep();
    const sessionId = randomSecret(32);
    const now = this.clock.now();
    const session: Session = { userId, csrfToken: randomSecret(24), createdAt: now, lastSeenAt: now };
    this.sessions.set(sha256(sessionId), session);
    return { sessionId, session };
  }

  get(sessionId: string): Session | null {
    const key = sha256(sessionId);
    const s = this.sessions.get(key);
    if (!s) return null;
    const now = this.clock.now();
    if (now - s.lastSeenAt > this.limits.idleMs || now - s.createdAt > this.limits.absoluteMs) {
      this.sessions.delete(key);
      return null;
    }
    s.lastSeenAt = now;
    return s;
  }

  destroy(sessionId: string): void {
    this.sessions.delete(sha256(sessionId));
  }

  /** Signs a user out everywhere (password changed, disabled, removed). */
  destroyForUser(userId: string): void {
    for (const [k, s] of this.sessions) if (s.userId === userId) this.sessions.delete(k);
  }

  private sweep(): void {
    const now = this.clock.now();
    for (const [k, s] of this.sessions)
      if (now - s.lastSeenAt > this.limits.idleMs || now - s.createdAt > this.limits.absoluteMs) this.sessions.delete(k);
  }
}
