import { createHmac } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-cva-signature';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the receiver recomputes it with the
 * organisation's secret and refuses old timestamps, so a captured delivery cannot be replayed later.
 */
export function signWebhook(secret: string, body: string, unixSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex');
  return `t=${unixSeconds},v1=${mac}`;
}

export interface PostResult {
  ok: boolean;
  error: string | null;
}

/** One signed POST; any 2xx is delivered, anything else (status, network, timeout) is retried later. */
export async function postWebhook(url: string, secret: string, body: string, headers: Record<string, string>, timeoutMs = 10_000): Promise<PostResult> {
  const t = Math.floor(Date.now() / 1000);
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'cva-cloud-sync', [SIGNATURE_HEADER]: signWebhook(secret, body, t), ...headers },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.arrayBuffer().catch(() => undefined);
    return res.ok ? { ok: true, error: null } : { ok: false, error: `HTTP ${res.status}` };
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause;
    return { ok: false, error: `${(e as Error).message}${cause?.code ? ` (${cause.code})` : ''}` };
  }
}
