import { systemClock, type Clock } from '../util/clock.js';

export interface LoginLimits {
  /** Failed attempts on one username before it is locked. */
  maxFailures: number;
  /** First lockout; doubles with each further lockout, capped at maxLockMs. */
  lockMs: number;
  maxLockMs: number;
  /** Attempts allowed per client address per window (any username). */
  perAddress: number;
  windowMs: number;
}

export const defaultLoginLimits: LoginLimits = {
  maxFailures: 5,
  lockMs: 15 * 60_000,
  maxLockMs: 24 * 3600_000,
  perAddress: 30,
  windowMs: 10 * 60_000,
};

export type LoginGate = { allowed: true } | { allowed: false; reason: 'locked' | 'rate_limited'; retryAfterMs: number };

interface UserState {
  failures: number;
  lockouts: number;
  lockedUntil: number;
}

/** Login rate limiting (per address) and lockout (per username) with escalating lock times. */
export class LoginLimiter {
  private readonly users = new Map<string, UserState>();
  private readonly addresses = new Map<string, number[]>();

  /**
   * `countFailuresOnly`: the per-address window counts failed attempts only (MQTT clients reconnect often
   * and legitimately; web sign-ins are rare, so there every attempt counts).
   */
  constructor(
    private readonly limits: LoginLimits = defaultLoginLimits,
    private readonly clock: Clock = systemClock,
    private readonly countFailuresOnly = false,
  ) {}

  /** Call before checking the password; counts the attempt against the address. */
  check(username: string, address: string): LoginGate {
    const now = this.clock.now();
    const recent = (this.addresses.get(address) ?? []).filter((t) => now - t < this.limits.windowMs);
    if (recent.length >= this.limits.perAddress) {
      this.addresses.set(address, recent);
      return { allowed: false, reason: 'rate_limited', retryAfterMs: this.limits.windowMs - (now - recent[0]) };
    }
    if (!this.countFailuresOnly) recent.push(now);
    this.addresses.set(address, recent);
    const u = this.users.get(username.toLowerCase());
    if (u && u.lockedUntil > now) return { allowed: false, reason: 'locked', retryAfterMs: u.lockedUntil - now };
    return { allowed: true };
  }

  recordFailure(username: string, address?: string): void {
    if (this.countFailuresOnly && address !== undefined) this.addresses.set(address, [...(this.addresses.get(address) ?? []), this.clock.now()]);
    const key = username.toLowerCase();
    const u = this.users.get(key) ?? { failures: 0, lockouts: 0, lockedUntil: 0 };
    u.failures += 1;
    if (u.failures >= this.limits.maxFailures) {
      u.lockedUntil = this.clock.now() + Math.min(this.limits.lockMs * 2 ** u.lockouts, this.limits.maxLockMs);
      u.lockouts += 1;
      u.failures = 0;
    }
    this.users.set(key, u);
  }

  recordSuccess(username: string): void {
    this.users.delete(username.toLowerCase());
  }
}
