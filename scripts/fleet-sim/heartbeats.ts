import { emptyTotals, postUpload, type UploadTotals } from './client.js';
import { batchBody, heartbeatFor, prng, type SimDevice } from './generate.js';

/**
 * Every device sends one heartbeat per `intervalMs`, phases spread evenly over the interval (as a
 * real fleet's boot times are), for `durationMs` of real time.
 */
export async function runHeartbeats(urls: string[], devices: SimDevice[], intervalMs: number, durationMs: number): Promise<UploadTotals> {
  const totals = emptyTotals();
  const rnd = prng(7);
  const t0 = Date.now();
  const inFlight = new Set<Promise<void>>();
  const timers: NodeJS.Timeout[] = [];
  devices.forEach((d, i) => {
    const fire = () => {
      if (Date.now() - t0 >= durationMs) return;
      const body = batchBody(d, [heartbeatFor(new Date(), 0, rnd)], `hb-${Date.now()}-${i}`);
      const p = postUpload(urls[i % urls.length], { device: d, body, items: 1 }, totals).finally(() => inFlight.delete(p));
      inFlight.add(p);
      timers.push(setTimeout(fire, intervalMs));
    };
    timers.push(setTimeout(fire, (i / devices.length) * intervalMs));
  });
  await new Promise((r) => setTimeout(r, durationMs));
  for (const t of timers) clearTimeout(t);
  await Promise.all(inFlight);
  return totals;
}
