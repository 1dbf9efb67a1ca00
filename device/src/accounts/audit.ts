import { appendFile, mkdir, open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { systemClock, type Clock } from './clock.js';
import type { Actor } from './actor.js';

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
  'login.succeeded',
  'login.failed',
]);
export type AuditAction = z.infer<typeof AuditAction>;

export const AuditEntry = z.object({
  at: z.string(),
  action: AuditAction,
  actor: z.object({ kind: z.enum(['user', 'token', 'setup', 'anonymous']), id: z.string().nullable(), name: z.string() }),
  /** What was acted on (person id, camera id, user name…). */
  target: z.string().nullable(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export type AuditActor = Actor | { kind: 'setup' | 'anonymous'; id: null; name: string };

/**
 * Who enrolled, merged, forgot, exported or changed settings. Append-only JSON lines, one file per
 * UTC day (`audit/YYYY-MM-DD.jsonl`), fsynced per entry so an acknowledged action is on disk.
 */
export class AuditLog {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dir: string,
    private readonly clock: Clock = systemClock,
  ) {}

  record(actor: AuditActor, action: AuditAction, target: string | null, details?: Record<string, unknown>): Promise<AuditEntry> {
    const entry: AuditEntry = {
      at: new Date(this.clock.now()).toISOString(),
      action,
      actor: { kind: actor.kind, id: actor.id, name: actor.name },
      target,
      ...(details ? { details } : {}),
    };
    const run = this.chain.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const file = join(this.dir, `${entry.at.slice(0, 10)}.jsonl`);
      await appendFile(file, JSON.stringify(entry) + '\n');
      const fh = await open(file, 'r+');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
      return entry;
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Newest first; `before` (ISO time) pages back through days without reading the whole history. */
  async list(opts: { limit: number; before?: string; action?: AuditAction }): Promise<AuditEntry[]> {
    await this.chain;
    let days: string[];
    try {
      days = (await readdir(this.dir)).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f)).sort().reverse();
    } catch {
      return [];
    }
    const out: AuditEntry[] = [];
    for (const day of days) {
      if (opts.before && day.slice(0, 10) > opts.before.slice(0, 10)) continue;
      const lines = (await readFile(join(this.dir, day), 'utf8')).split('\n').filter(Boolean).reverse();
      for (const line of lines) {
        const parsed = AuditEntry.safeParse(parseLine(line));
        if (!parsed.success) continue;
        const e = parsed.data;
        if (opts.before && e.at >= opts.before) continue;
        if (opts.action && e.action !== opts.action) continue;
        out.push(e);
        if (out.length >= opts.limit) return out;
      }
    }
    return out;
  }
}

/** A crash can tear the last line; skip it rather than fail the whole listing. */
function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
