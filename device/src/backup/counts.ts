import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackupCounts } from '../contracts/backup.js';

export interface CountSources {
  dataDir: string;
  staff: () => Array<{ samples: number }>;
  customers: () => Array<{ samples: number }>;
  crops: () => Promise<unknown[]>;
  cameras: () => number;
}

/** What a backup of this appliance holds, counted from the live modules (shown before a restore is applied). */
export async function countBackup(src: CountSources): Promise<BackupCounts> {
  const staff = src.staff();
  const customers = src.customers();
  const days = await readdir(join(src.dataDir, 'visits')).catch(() => [] as string[]);
  return {
    staff: staff.length,
    customers: customers.length,
    samples: [...staff, ...customers].reduce((n, p) => n + p.samples, 0),
    crops: (await src.crops()).length,
    visitDays: days.filter((d) => /^\d{4}-\d{2}-\d{2}\.json$/.test(d)).length,
    cameras: src.cameras(),
  };
}
