import { ClaimResponse, UploadResponse, type ClaimRequestInput, type UploadBatch } from '../contracts/sync.js';
import { ErrorBody } from '../contracts/errors.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * unreachable / server: transient, retry with backoff. unauthorized: the token is wrong or revoked,
 * retrying cannot help. refused: the cloud understood and said no (bad claim code, invalid batch).
 */
export interface SyncError {
  kind: 'unreachable' | 'server' | 'unauthorized' | 'refused';
  status?: number;
  code?: string;
  message: string;
}

export type FetchLike = typeof fetch;

/** The device's HTTP client for cloud-sync; every answer is validated with the shared contract. */
export class CloudClient {
  constructor(
    private readonly fetchImpl: FetchLike = fetch,
    private readonly timeoutMs = 30_000,
  ) {}

  /** `cancel` aborts the request early (the service stopping); it then fails as `unreachable`. */
  claim(cloudUrl: string, req: ClaimRequestInput, cancel?: AbortSignal): Promise<Result<ClaimResponse, SyncError>> {
    return this.post(new URL('/api/claim', cloudUrl), null, req, ClaimResponse, cancel);
  }

  upload(cloudUrl: string, token: string, batch: UploadBatch, cancel?: AbortSignal): Promise<Result<UploadResponse, SyncError>> {
    return this.post(new URL('/api/ingest', cloudUrl), token, batch, UploadResponse, cancel);
  }

  private async post<T>(
    url: URL,
    token: string | null,
    body: unknown,
    schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
    cancel?: AbortSignal,
  ): Promise<Result<T, SyncError>> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
        signal: cancel ? AbortSignal.any([timeout, cancel]) : timeout,
      });
    } catch (e) {
      return err({ kind: 'unreachable', message: String((e as Error).message ?? e) });
    }
    const json = await res.json().catch(() => null);
    if (res.ok) {
      const parsed = schema.safeParse(json);
      return parsed.success ? ok(parsed.data) : err({ kind: 'server', status: res.status, message: 'answer does not match the sync contract' });
    }
    const e = ErrorBody.safeParse(json);
    const code = e.success ? e.data.error.code : undefined;
    const message = e.success ? e.data.error.message : `HTTP ${res.status}`;
    if (res.status === 401) return err({ kind: 'unauthorized', status: 401, code, message });
    if (res.status >= 500 || res.status === 429) return err({ kind: 'server', status: res.status, code, message });
    return err({ kind: 'refused', status: res.status, code, message });
  }
}
