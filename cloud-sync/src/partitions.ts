import type { Db } from './db/types.js';

const PARTITION_LOCK = 746_201_002;

/** `visits_y2026m03` covers [2026-03-01, 2026-04-01) UTC. */
export function monthPartition(d: Date): { name: string; from: string; to: string } {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const pad = (n: number) => String(n).padStart(2, '0');
  const next = new Date(Date.UTC(y, m + 1, 1));
  return {
    name: `visits_y${y}m${pad(m + 1)}`,
    from: `${y}-${pad(m + 1)}-01 00:00:00+00`,
    to: `${next.getUTCFullYear()}-${pad(next.getUTCMonth() + 1)}-01 00:00:00+00`,
  };
}

/**
 * Creates monthly partitions of `visits` on demand. Each instance remembers what exists; creation
 * runs under an advisory lock so instances racing on a new month create it once.
 */
export class VisitPartitions {
  private readonly known = new Set<string>();

  constructor(private readonly db: Db) {}

  async ensure(times: Iterable<Date>): Promise<void> {
    const wanted = new Map<string, ReturnType<typeof monthPartition>>();
    for (const t of times) {
      const p = monthPartition(t);
      if (!this.known.has(p.name)) wanted.set(p.name, p);
    }
    for (const p of wanted.values()) {
      await this.db.tx(async (q) => {
        await q.query('select pg_advisory_xact_lock($1)', [PARTITION_LOCK]);
        const exists = await q.query<{ r: string | null }>('select to_regclass($1)::text as r', [p.name]);
        if (!exists.rows[0]?.r) {
          await q.query(`create table ${p.name} partition of visits for values from ('${p.from}') to ('${p.to}')`);
        }
      });
      this.known.add(p.name);
    }
  }
}
