import { z } from 'zod';
import type { Db } from '../db/types.js';
import { HttpError } from '../../../device/src/util/http-errors.js';
import { FirstRunRequest } from '../../../device/src/contracts/hq.js';
import { hashPassword, sha256 } from '../../../device/src/util/passwords.js';
import { generateSetupCode, normaliseSetupCode } from '../../../device/src/util/setup-code.js';
import type { Logger } from '../../../device/src/util/log.js';
import { newId } from '../tokens.js';
import { createSession } from './sessions.js';

/** Serialises first-run attempts across instances: only one organisation admin can come out of it. */
const FIRST_RUN_LOCK = 746_201_003;
const CODE_TTL_DAYS = 30;

export async function needsFirstRun(db: Db): Promise<boolean> {
  return (await db.query<{ n: number }>('select count(*)::int as n from users')).rows[0].n === 0;
}

/**
 * On an empty database each starting instance prints a one-time set-up code (the appliance's pattern)
 * and stores its SHA-256, so whichever instance the browser reaches accepts it. Completing the first
 * run, or creating an admin with the CLI, makes every code useless.
 */
export async function announceFirstRun(db: Db, log: Logger, pageUrl: string): Promise<string | null> {
  if (!(await needsFirstRun(db))) {
    await db.query('delete from setup_codes');
    return null;
  }
  const code = generateSetupCode();
  await db.query(`delete from setup_codes where expires_at < now()`);
  await db.query(`insert into setup_codes(code_hash, expires_at) values ($1, now() + make_interval(days => $2))`, [sha256(code), CODE_TTL_DAYS]);
  log.info(
    `SET-UP CODE: ${code} — open ${pageUrl} and enter it to create the first organisation admin ` +
      '(or use the CLI: node dist/cloud-sync/src/cli.js create-admin --org NAME --email ADDRESS)',
  );
  return code;
}

/** Creates the organisation and its first admin (password, no API token) and signs them in. */
export async function completeFirstRun(db: Db, body: unknown) {
  const r = FirstRunRequest.safeParse(body);
  if (!r.success) throw new HttpError(400, 'invalid_request', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const req: z.infer<typeof FirstRunRequest> = r.data;
  const passwordHash = await hashPassword(req.password);
  return db.tx(async (q) => {
    await q.query('select pg_advisory_xact_lock($1)', [FIRST_RUN_LOCK]);
    if ((await q.query<{ n: number }>('select count(*)::int as n from users')).rows[0].n > 0) {
      throw new HttpError(409, 'setup_done', 'set-up is already complete: sign in instead');
    }
    const ok = await q.query('select 1 from setup_codes where code_hash = $1 and expires_at > now()', [sha256(normaliseSetupCode(req.setupCode))]);
    if (ok.rows.length === 0) throw new HttpError(403, 'wrong_setup_code', 'wrong set-up code (see the cloud-sync log)');
    const orgId = newId('org');
    const userId = newId('usr');
    await q.query('insert into organisations(id, name) values ($1, $2)', [orgId, req.organisation]);
    await q.query(
      `insert into users(id, org_id, email, role, password_hash, last_sign_in_at) values ($1, $2, $3, 'org_admin', $4, now())`,
      [userId, orgId, req.email, passwordHash],
    );
    await q.query('delete from setup_codes');
    return { orgId, userId, email: req.email, ...(await createSession(q, userId)) };
  });
}
