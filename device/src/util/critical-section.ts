/**
 * Runs work that must not be cut short by an update (balena's update lock implements it:
 * `UpdateLock.hold`). Modules that only need the guard depend on this type, not on balena.
 */
export type CriticalSection = <T>(reason: string, fn: () => Promise<T>) => Promise<T>;

/** The guard outside the appliance (tools, tests): just runs the work. */
export const unguarded: CriticalSection = (_reason, fn) => fn();
