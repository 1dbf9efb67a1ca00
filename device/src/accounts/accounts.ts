import { AccountsStore } from './accounts-store.js';
import { SessionStore, type SessionLimits } from './sessions.js';
import { LoginLimiter, defaultLoginLimits, type LoginLimits } from '../util/login-limiter.js';
import { SetupGate, CloudClaimStore, type CloudClaim } from './setup.js';
import { AuditLog } from './audit.js';
import { loadDeviceId } from './device-identity.js';
import { systemClock, type Clock } from '../util/clock.js';
import type { AccountsPersistence } from './persistence.js';
import { createLogger, type Logger } from '../util/log.js';

export interface AccountsOptions {
  /** The appliance store (documents `accounts`, `sessions`, `device`, `cloud-claim`; log `audit/`). */
  persistence: AccountsPersistence;
  clock?: Clock;
  log?: Logger;
  env?: NodeJS.ProcessEnv;
  loginLimits?: LoginLimits;
  sessionLimits?: SessionLimits;
}

/** Everything the HTTP layer needs to know about who may do what. */
export class Accounts {
  private constructor(
    readonly store: AccountsStore,
    readonly sessions: SessionStore,
    readonly limiter: LoginLimiter,
    readonly setup: SetupGate,
    readonly cloud: CloudClaimStore,
    readonly audit: AuditLog,
    readonly deviceId: string,
  ) {}

  static async open(opts: AccountsOptions): Promise<Accounts> {
    const clock = opts.clock ?? systemClock;
    const log = opts.log ?? createLogger('accounts');
    const store = await AccountsStore.open(opts.persistence, clock);
    const setup = new SetupGate(() => store.hasUsers(), log);
    setup.announce();
    return new Accounts(
      store,
      await SessionStore.open(opts.persistence, opts.sessionLimits, clock, log),
      new LoginLimiter(opts.loginLimits ?? defaultLoginLimits, clock),
      setup,
      await CloudClaimStore.open(opts.persistence),
      await AuditLog.open(opts.persistence, clock),
      await loadDeviceId(opts.persistence, opts.env),
    );
  }

  /** For the cloud-sync client: the cloud URL and claim code entered at set-up, or null. */
  getCloudClaim(): CloudClaim | null {
    return this.cloud.getCloudClaim();
  }
}
