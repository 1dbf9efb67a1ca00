import type { Visit } from '../../device/src/contracts/visit.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temp directory for one test, removed afterwards by the returned cleanup. */
export async function tempDir(tag: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `cva-${tag}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A just-opened customer visit arriving at `at` (id from the log, so it files under the right day). */
export function openVisitAt(log: { newId(at: number): string }, at: number, personId = 'C-000001'): Visit {
  const iso = new Date(at).toISOString();
  return {
    id: log.newId(at),
    personId,
    kind: 'customer',
    arrivedAt: iso,
    lastSeenAt: iso,
    departedAt: null,
    dwellSeconds: 0,
    cameras: ['door'],
    detections: 1,
    bestCropId: null,
    demographics: { ageMedian: null, gender: null, samples: 0 },
    visitNumber: 1,
    returning: false,
    status: 'open',
  };
}
