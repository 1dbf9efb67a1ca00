import type { Db } from '../db/types.js';
import { HttpError } from '../../../device/src/util/http-errors.js';
import { decoyHash, verifyPassword } from '../../../device/src/util/passwords.js';
import { AddressRateLimit, defaultLoginLimits, lockAfterFailure, type LoginLimits } from '../../../device/src/util/login-limiter.js';
import { createSession } from './sessions.js';

interface Candidate {
  id: string;
  password_hash: string | null;
  failed_logins: number;
  lockouts: number;
  locked_until: Date | null;
}

/**
 * Email + password sign-in with the appliance's rules (util/login-limiter): per-address rate limit (in
 * this instance's memory) and a per-person lockout that escalates, kept in the `users` row so every
 * instance sees it. An email known in several organisations signs in to the first whose password matches.
 */
export class SignIn {
  private readonly addresses: AddressRateLimit;

  constructor(
    private readonly db: Db,
    private readonly limits: LoginLimits = defaultLoginLimits,
  ) {
    this.addresses = new AddressRateLimit(limits);
  }

  /** Refuses an address that tried too often (setup codes and invite codes are guessed through the same gate). */
  gate(address: string): void {
    const g = this.addresses.take(address);
    if (!g.allowed) throw new HttpError(429, 'rate_limited', 'too many attempts from this address; try again later', { retryAfterSeconds: Math.ceil(g.retryAfterMs / 1000) });
  }

  async signIn(email: string, password: string, address: string): Promise<{ userId: string; sessionId: string; csrfToken: string }> {
    this.gate(address);
    const users = await this.db.query<Candidate>(
      `select u.id, u.password_hash, u.failed_logins, u.lockouts, u.locked_until from users u
       where lower(u.email) = $1 and u.disabled_at is null and u.password_hash is not null order by u.created_at, u.id`,
      [email.trim().toLowerCase()],
    );
    if (users.rows.length === 0) {
      await verifyPassword(password, await decoyHash()); // same cost as a real check: timing does not reveal who exists
      throw new HttpError(401, 'unauthenticated', 'wrong e-mail or password');
    }
    const now = Date.now();
    const open = users.rows.filter((u) => !(u.locked_until && u.locked_until.getTime() > now));
    if (open.length === 0) {
      const until = Math.min(...users.rows.map((u) => u.locked_until!.getTime()));
      throw new HttpError(423, 'locked', 'too many failed sign-ins for this account; try again later', { retryAfterSeconds: Math.ceil((until - now) / 1000) });
    }
    for (const u of open) {
      if (await verifyPassword(password, u.password_hash!)) {
        await this.db.query('update users set failed_logins = 0, lockouts = 0, locked_until = null, last_sign_in_at = now() where id = $1', [u.id]);
        return { userId: u.id, ...(await createSession(this.db, u.id)) };
      }
    }
    for (const u of open) await this.recordFailure(u.id);
    throw new HttpError(401, 'unauthenticated', 'wrong e-mail or password');
  }

  /** Read-modify-write under a row lock, so two instances counting the same person's failures agree. */
  private async recordFailure(userId: string): Promise<void> {
    await this.db.tx(async (q) => {
      const r = await q.query<Candidate>('select id, failed_logins, lockouts, locked_until from users where id = $1 for update', [userId]);
      const u = r.rows[0];
      if (!u) return;
      const next = lockAfterFailure(
        { failures: u.failed_logins, lockouts: u.lockouts, lockedUntil: u.locked_until?.getTime() ?? 0 },
        this.limits,
        Date.now(),
      );
      await q.query('update users set failed_logins = $2, lockouts = $3, locked_until = $4 where id = $1', [
        userId, next.failures, next.lockouts, next.lockedUntil ? new Date(next.lockedUntil) : null,
      ]);
    });
  }
}
