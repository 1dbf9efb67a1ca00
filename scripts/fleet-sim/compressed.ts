import { emptyTotals, postUpload, type UploadTotals } from './client.js';
import { batchBody, heartbeatFor, prng, simulateDay, visitEndItem, type SimDevice } from './generate.js';
import type { CloudVisit, SyncItem } from '../../device/src/contracts/sync.js';

export interface CompressedRun {
  devices: SimDevice[];
  urls: string[];
  visitsPerDay: number;
  days: number;
  /** Simulated seconds per real second. */
  speed: number;
  seed?: number;
}

/**
 * Runs a fleet on a simulated clock from `days` ago up to now, `speed` times faster than real time.
 * Every simulated minute each device uploads what a real box would: its heartbeat plus the visits
 * that ended during that minute (in batches of ≤ 1,000). Timestamps never pass the real now.
 */
export async function runCompressed(run: CompressedRun): Promise<UploadTotals & { simulatedMinutes: number; visits: number; ms: number }> {
  const totals = emptyTotals();
  const rnd = prng(run.seed ?? 1);
  const end = Date.now();
  const start = end - run.days * 86_400_000;
  // Each device's visits over the simulated window, in order of departure.
  const queues = run.devices.map((d) => {
    const seq = { n: 0 };
    const all: CloudVisit[] = [];
    for (let t = start - 86_400_000; t <= end; t += 86_400_000) all.push(...simulateDay(d, new Date(t), run.visitsPerDay, rnd, seq));
    return all.filter((v) => Date.parse(v.lastSeenAt) > start && Date.parse(v.lastSeenAt) <= end).sort((a, b) => a.lastSeenAt.localeCompare(b.lastSeenAt));
  });
  const visits = queues.reduce((s, q) => s + q.length, 0);
  const cursor = run.devices.map(() => 0);
  const t0 = performance.now();
  let minutes = 0;
  for (let sim = start + 60_000; sim <= end; sim += 60_000) {
    const uploads: Promise<void>[] = [];
    run.devices.forEach((d, i) => {
      const items: SyncItem[] = [heartbeatFor(new Date(sim), 0, rnd)];
      const q = queues[i];
      while (cursor[i] < q.length && Date.parse(q[cursor[i]].lastSeenAt) <= sim) items.push(visitEndItem(q[cursor[i]++]));
      for (let k = 0; k < items.length; k += 1000) {
        const chunk = items.slice(k, k + 1000);
        uploads.push(postUpload(run.urls[i % run.urls.length], { device: d, body: batchBody(d, chunk, `sim-${sim}-${k}`), items: chunk.length }, totals));
      }
    });
    await Promise.all(uploads);
    minutes++;
    // Hold the simulated clock to `speed`× real time.
    const due = t0 + ((sim - start) / run.speed);
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  return { ...totals, simulatedMinutes: minutes, visits, ms: performance.now() - t0 };
}
