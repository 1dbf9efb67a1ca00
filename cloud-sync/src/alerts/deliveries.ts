import type { Db } from '../db/types.js';
import { backoffCeiling, type BackoffOptions } from '../../../device/src/util/backoff.js';
import { postWebhook } from './webhook.js';

/** Retries: 5 s doubling to 30 min; after MAX_ATTEMPTS the delivery is marked failed (shown on the page). */
export const DELIVERY_BACKOFF: BackoffOptions = { baseMs: 5_000, maxMs: 30 * 60_000 };
export const MAX_ATTEMPTS = 10;
/** A claimed delivery belongs to its instance this long; if that instance dies, another one takes it over. */
const LEASE_SECONDS = 60;

interface Due {
  id: string;
  url: string;
  body: string;
  attempts: number;
  transition: string;
  secret: string | null;
}

/**
 * Sends the deliveries that are due. Each is claimed with FOR UPDATE SKIP LOCKED and a lease, so with
 * several instances exactly one sends it; the outcome is written back (delivered, or the next attempt
 * after a backoff, or failed for good).
 */
export async function sendDueDeliveries(db: Db, backoff: BackoffOptions = DELIVERY_BACKOFF, limit = 20): Promise<number> {
  const due = await db.tx(async (q) =>
    (
      await q.query<Due>(
        `update alert_deliveries d set lease_until = now() + make_interval(secs => $2), attempts = d.attempts + 1
         from organisations o
         where o.id = d.org_id and d.id in (
           select id from alert_deliveries where status = 'pending' and next_attempt_at <= now() and (lease_until is null or lease_until < now())
           order by next_attempt_at limit $1 for update skip locked)
         returning d.id, d.url, d.body, d.attempts, d.transition, o.webhook_secret as secret`,
        [limit, LEASE_SECONDS],
      )
    ).rows,
  );
  await Promise.all(
    due.map(async (d) => {
      const r = d.secret
        ? await postWebhook(d.url, d.secret, d.body, { 'x-cva-event': `alert.${d.transition}`, 'x-cva-delivery': d.id })
        : { ok: false, error: 'the organisation has no webhook secret' };
      if (r.ok) {
        await db.query(`update alert_deliveries set status = 'delivered', delivered_at = now(), lease_until = null, last_error = null where id = $1`, [d.id]);
      } else if (d.attempts >= MAX_ATTEMPTS) {
        await db.query(`update alert_deliveries set status = 'failed', lease_until = null, last_error = $2 where id = $1`, [d.id, r.error]);
      } else {
        const wait = backoffCeiling(backoff, d.attempts - 1);
        await db.query(
          `update alert_deliveries set lease_until = null, last_error = $2, next_attempt_at = now() + make_interval(secs => $3) where id = $1`,
          [d.id, r.error, wait / 1000],
        );
      }
    }),
  );
  return due.length;
}
