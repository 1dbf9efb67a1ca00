/** Users, sessions, API tokens, set-up code, device id, cloud claim and the audit log. */
export { Accounts, type AccountsOptions } from './accounts.js';
export type { AccountsPersistence } from './persistence.js';
export { AccountsStore, TOKEN_PREFIX, type UserView, type TokenView, type AccountError } from './accounts-store.js';
export { SessionStore, type Session, type SessionLimits } from './sessions.js';
export { LoginLimiter, defaultLoginLimits, type LoginLimits, type LoginGate } from '../util/login-limiter.js';
export { SetupGate, CloudClaimStore, CloudClaim } from './setup.js';
export { generateSetupCode } from '../util/setup-code.js';
export { AuditLog, AuditAction, AuditEntry, type AuditActor } from './audit.js';
export { loadDeviceId } from './device-identity.js';
export { Role, Permission, rolePermissions, can } from '../contracts/roles.js';
export type { Actor } from './actor.js';
export { systemClock, type Clock } from '../util/clock.js';
