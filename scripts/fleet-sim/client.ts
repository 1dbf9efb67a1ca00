import type { SimDevice } from './generate.js';

/** A pre-serialised upload, so the load generator spends its CPU on sending, not on JSON. */
export interface Upload {
  device: SimDevice;
  body: string;
  items: number;
}

export interface UploadTotals {
  requests: number;
  failures: number;
  applied: number;
  duplicate: number;
  rejected: number;
  latenciesMs: number[];
}

export const emptyTotals = (): UploadTotals => ({ requests: 0, failures: 0, applied: 0, duplicate: 0, rejected: 0, latenciesMs: [] });

export async function postUpload(baseUrl: string, u: Upload, totals: UploadTotals): Promise<void> {
  const t0 = performance.now();
  totals.requests++;
  try {
    const res = await fetch(`${baseUrl}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${u.device.token}` },
      body: u.body,
    });
    const json = (await res.json()) as { applied?: number; duplicate?: number; rejected?: number };
    if (!res.ok) {
      totals.failures++;
      return;
    }
    totals.applied += json.applied ?? 0;
    totals.duplicate += json.duplicate ?? 0;
    totals.rejected += json.rejected ?? 0;
  } catch {
    totals.failures++;
  } finally {
    totals.latenciesMs.push(performance.now() - t0);
  }
}

/** Sends uploads with `concurrency` in flight, spreading them round-robin over the service instances. */
export async function sendAll(urls: string[], uploads: Upload[], concurrency: number): Promise<UploadTotals & { ms: number }> {
  const totals = emptyTotals();
  let next = 0;
  const t0 = performance.now();
  const worker = async (w: number) => {
    while (next < uploads.length) {
      const i = next++;
      await postUpload(urls[(i + w) % urls.length], uploads[i], totals);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
  return { ...totals, ms: performance.now() - t0 };
}

export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}
