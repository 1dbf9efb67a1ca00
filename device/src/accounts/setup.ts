import { z } from 'zod';
import type { JsonDocument } from '../store/json-document.js';
import type { AccountsPersistence } from './persistence.js';
import { safeEqual } from '../util/passwords.js';
import { generateSetupCode, normaliseSetupCode } from '../util/setup-code.js';
import type { Logger } from '../util/log.js';

/**
 * The one-time set-up code. There is no default password: while no user exists, a code is generated
 * at start and printed in the log; creating the first admin consumes it. It lives only in memory,
 * so a restart before set-up prints a fresh one.
 */
export class SetupGate {
  private code: string | null = null;
  private busy = false;

  constructor(
    private readonly hasUsers: () => boolean,
    private readonly log: Logger,
  ) {}

  /** Called at start; prints the code when set-up is still needed. */
  announce(): void {
    if (this.hasUsers()) {
      this.code = null;
      return;
    }
    this.code ??= generateSetupCode();
    this.log.info(`SET-UP CODE: ${this.code} (needed once, to create the first admin)`);
  }

  needsSetup(): boolean {
    return !this.hasUsers();
  }

  /**
   * Takes the code for one set-up attempt: only one attempt runs at a time, so two requests with the
   * right code cannot create two admins. Follow with `consume()` on success or `release()` on failure.
   */
  claim(candidate: string): 'ok' | 'wrong-code' | 'busy' | 'done' {
    if (!this.needsSetup()) return 'done';
    if (!this.code || !safeEqual(normaliseSetupCode(candidate), this.code)) return 'wrong-code';
    if (this.busy) return 'busy';
    this.busy = true;
    return 'ok';
  }

  release(): void {
    this.busy = false;
  }

  consume(): void {
    this.busy = false;
    this.code = null;
  }
}

export const CloudClaim = z.object({
  url: z.url({ protocol: /^https?$/ }),
  claimCode: z.string().min(4).max(128),
  storedAt: z.string(),
});
export type CloudClaim = z.infer<typeof CloudClaim>;

const ClaimFile = z.object({ claim: CloudClaim.nullable() });

/** The cloud URL and claim code entered at set-up, kept for the cloud-sync client (`getCloudClaim()`). */
export class CloudClaimStore {
  private constructor(private readonly doc: JsonDocument<z.infer<typeof ClaimFile>>) {}

  static async open(persistence: AccountsPersistence): Promise<CloudClaimStore> {
    return new CloudClaimStore(await persistence.document('cloud-claim', ClaimFile, { claim: null }));
  }

  getCloudClaim(): CloudClaim | null {
    return this.doc.data.claim;
  }

  async set(url: string, claimCode: string): Promise<CloudClaim> {
    const next = await this.doc.update((d) => {
      d.claim = { url, claimCode, storedAt: new Date().toISOString() };
    });
    return next.claim!;
  }

  async clear(): Promise<void> {
    await this.doc.update((d) => {
      d.claim = null;
    });
  }
}
