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
  /** The first few failure reasons (HTTP status and error code, or the network error). */
  errors: string[];
}

export const emptyTotals = (): UploadTotals => ({ requests: 0, failures: 0, applied: 0, duplicate: 0, rejected: 0, latenciesMs: [], errors: [] });

function failed(totals: UploadTotals, why: string): void {
  totals.failures++;
  if (totals.errors.length < 5) totals.errors.push(why);
}

export async function postUpload(baseUrl: string, u: Upload, totals: UploadTotals): Promise<void> {
  const t0 = performance.now();
  totals.requests++;
  try {
    const res = await fetch(`${baseUrl}/api/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${u.device.token}` },
      body: u.body,
    });
    const json = (await res.json()) as { applied?: number; duplicate?: number; rejected?: number; error?: { code?: string } };
    if (!res.ok) {
      failed(totals, `HTTP ${res.status} ${json.error?.code ?? ''}`);
      return;
    }
    totals.applied += json.applied ?? 0;
    totals.duplicate += json.duplicate ?? 0;
    totals.rejected += json.rejected ?? 0;
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    failed(totals, `${(e as Error).message}${cause ? `: ${cause.code ?? ''} ${cause.message ?? ''}` : ''}`);
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

/** Re-exported for scripts/fleet-sim.ts; the implementation is util/stats. */
export { percentile } from '../../device/src/util/stats.js';
