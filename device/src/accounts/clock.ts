/** Injectable time source so lockouts, sessions and expiry are testable without sleeping. */
export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };
