import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { ClaimResponse } from '../contracts/sync.js';
import { PRIVATE_DIR_MODE, writeFileAtomicSync } from '../store/atomic-file.js';

/** What a successful claim leaves on the box: the claim's answer (device token bound to one site) plus which cloud and code. */
export const CloudCredentials = ClaimResponse.extend({
  cloudUrl: z.string().url(),
  /** The (normalised) code this box was claimed with; a different code entered later means: claim again. */
  claimCode: z.string(),
  claimedAt: z.string(),
});
export type CloudCredentials = z.infer<typeof CloudCredentials>;

/** The token file is readable by the appliance user only (mode 0600). */
export class CredentialStore {
  constructor(private readonly path: string) {}

  load(): CloudCredentials | null {
    if (!existsSync(this.path)) return null;
    try {
      const r = CloudCredentials.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  }

  save(c: CloudCredentials): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: PRIVATE_DIR_MODE });
    writeFileAtomicSync(this.path, JSON.stringify(c, null, 2), 0o600);
  }
}
