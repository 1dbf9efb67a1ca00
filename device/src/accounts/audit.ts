import { z } from 'zod';
import { systemClock, type Clock } from '../util/clock.js';
import type { Actor } from './actor.js';
import type { DayLog } from '../store/day-log.js';
import { decodeCursor } from '../store/day-log.js';
import type { AccountsPersistence } from './persistence.js';
import { err, ok, type Result } from '../util/result.js';

export const AuditAction = z.enum([
  'setup.completed',
  'settings.changed',
  'camera.created',
  'camera.updated',
  'camera.deleted',
  'staff.created',
  'staff.updated',
  'staff.enrolled',
  'staff.deleted',
  'customer.merged',
  'customer.split',
  'customer.updated',
  'customer.forgotten',
  'review.assigned',
  'review.rejected',
  'review.dismissed',
  'visits.exported',
  'user.created',
  'user.updated',
  'user.deleted',
  'token.created',
  'token.revoked',
  'mqtt-account.created',
  'mqtt-account.deleted',
  'cloud.claim-set',
  'system.restart-requested',
  'system.backup',
  'system.restore',
  'login.succeeded',
  'login.failed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  id: z.string(),
  at: z.iso.datetime({ offset: true }),
  action: AuditAction,
  actor: z.object({ kind: z.enum(['user', 'token', 'anonymous']), id: z.string().nullable(), name: z.string() }),
  /** What was acted on (person id, camera id, user name…). */
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export type AuditActor = Actor | { kind: 'anonymous'; id: null; name: string };

/**
 * Who enrolled, merged, forgot, exported or changed settings: entries in the store's day-segmented
 * log `audit/` (one file per UTC day), durable before `record` resolves.
 */
export class AuditLog {
  private constructor(
    private readonly log: DayLog<AuditEntry>,
    private readonly clock: Clock,
  ) {}

  static async open(persistence: AccountsPersistence, clock: Clock = systemClock): Promise<AuditLog> {
    return new AuditLog(await persistence.log('audit', AuditEntry, (e) => Date.parse(e.at), 'AU'), clock);
  }

  record(actor: AuditActor, action: AuditAction, target: string | null, details?: Record<string, unknown>): Promise<AuditEntry> {
    const now = this.clock.now();
    return this.log.append({
      id: this.log.newId(now),
      at: new Date(now).toISOString(),
      action,
      actor: { kind: actor.kind, id: actor.id, name: actor.name },
      target,
      ...(details ? { details: JSON.parse(JSON.stringify(details)) } : {}),
    });
  }

  /** Newest first, with a cursor for the next page. */
  async list(opts: { limit: number; cursor?: string; action?: AuditAction }): Promise<Result<{ items: AuditEntry[]; nextCursor: string | null }, string>> {
    const cursor = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    if (cursor && !cursor.ok) return err(cursor.error.message);
    const page = await this.log.page({
      limit: opts.limit,
      cursor: cursor?.value,
      filter: opts.action ? (e) => e.action === opts.action : undefined,
    });
    return ok(page);
  }
}
