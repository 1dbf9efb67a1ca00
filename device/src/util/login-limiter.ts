import { systemClock, type Clock } from './clock.js';

/**
 * The sign-in rules shared by the appliance and cloud-sync: a per-address rate limit and a per-user lockout
 * that escalates. The appliance keeps the per-user state in memory (LoginLimiter); cloud-sync keeps it in
 * its database (several instances) and applies the same `lockAfterFailure` rule to it.
 */
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

/** One username's lockout state (epoch ms for lockedUntil; 0 = never locked). */
export interface LockState {
  failures: number;
  lockouts: number;
  lockedUntil: number;
}

export const unlocked = (): LockState => ({ failures: 0, lockouts: 0, lockedUntil: 0 });

/** The state after one more wrong password: every maxFailures-th failure locks, each lock twice as long as the last. */
export function lockAfterFailure(s: LockState, limits: LoginLimits, now: number): LockState {
  const failures = s.failures + 1;
  if (failures < limits.maxFailures) return { ...s, failures };
  return { failures: 0, lockouts: s.lockouts + 1, lockedUntil: now + Math.min(limits.lockMs * 2 ** s.lockouts, limits.maxLockMs) };
}

/** Attempts per client address in a sliding window, whatever the username. */
export class AddressRateLimit {
  private readonly addresses = new Map<string, number[]>();

  constructor(
    private readonly limits: Pick<LoginLimits, 'perAddress' | 'windowMs'> = defaultLoginLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Counts the attempt when allowed (unless `count` is false); a refused attempt says how long to wait. */
  take(address: string, count = true): LoginGate {
    const now = this.clock.now();
    const recent = (this.addresses.get(address) ?? []).filter((t) => now - t < this.limits.windowMs);
    if (recent.length >= this.limits.perAddress) {
      this.addresses.set(address, recent);
      return { allowed: false, reason: 'rate_limited', retryAfterMs: this.limits.windowMs - (now - recent[0]) };
    }
    if (count) recent.push(now);
    this.addresses.set(address, recent);
    if (this.addresses.size > 10_000) this.sweep(now);
    return { allowed: true };
  }

  /** Counts one attempt against the address without asking (a failure counted after the fact). */
  note(address: string): void {
    this.addresses.set(address, [...(this.addresses.get(address) ?? []), this.clock.now()]);
  }

  private sweep(now: number): void {
    for (const [a, ts] of this.addresses) if (!ts.some((t) => now - t < this.limits.windowMs)) this.addresses.delete(a);
  }
}

/** Login rate limiting (per address) and lockout (per username, in memory) with escalating lock times. */
export class LoginLimiter {
  private readonly users = new Map<string, LockState>();
  private readonly addresses: AddressRateLimit;

  /**
   * `countFailuresOnly`: the per-address window counts failed attempts only (MQTT clients reconnect often
   * and legitimately; web sign-ins are rare, so there every attempt counts).
   */
  constructor(
    private readonly limits: LoginLimits = defaultLoginLimits,
    private readonly clock: Clock = systemClock,
    private readonly countFailuresOnly = false,
  ) {
    this.addresses = new AddressRateLimit(limits, clock);
  }

  /** Call before checking the password; counts the attempt against the address. */
  check(username: string, address: string): LoginGate {
    const gate = this.addresses.take(address, !this.countFailuresOnly);
    if (!gate.allowed) return gate;
    const now = this.clock.now();
    const u = this.users.get(username.toLowerCase());
    if (u && u.lockedUntil > now) return { allowed: false, reason: 'locked', retryAfterMs: u.lockedUntil - now };
    return { allowed: true };
  }

  recordFailure(username: string, address?: string): void {
    if (this.countFailuresOnly && address !== undefined) this.addresses.note(address);
    const key = username.toLowerCase();
    this.users.set(key, lockAfterFailure(this.users.get(key) ?? unlocked(), this.limits, this.clock.now()));
  }

  recordSuccess(username: string): void {
    this.users.delete(username.toLowerCase());
  }
}
