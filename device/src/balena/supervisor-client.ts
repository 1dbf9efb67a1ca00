import { z } from 'zod';
import { err, ok, type Result } from '../util/result.js';

/**
 * A client for the balena supervisor's HTTP API, available inside a service that carries the
 * `io.balena.features.supervisor-api` label (single-container fleets get it by default) as
 * `BALENA_SUPERVISOR_ADDRESS` + `BALENA_SUPERVISOR_API_KEY`. Endpoints and response shapes follow
 * balena-supervisor's docs/API.md: /v1/blink, /v1/device (since v1.6), /v1/restart, restart-service by
 * `serviceName` (since v8.2.2), /v2/state/status (since v9.7), /v2/device/name (since v9.11) — so a
 * supervisor ≥ v9.11 answers all of them. Every call carries the key as the documented `apikey` query parameter.
 */

/** GET /v1/device: "some or all" of these fields; any may be missing or null. */
const V1Device = z
  .object({
    commit: z.string().nullish(),
    status: z.string().nullish(),
    download_progress: z.number().nullish(),
    os_version: z.string().nullish(),
    supervisor_version: z.string().nullish(),
    update_pending: z.boolean().nullish(),
    update_downloaded: z.boolean().nullish(),
    update_failed: z.boolean().nullish(),
  })
  .passthrough();
export type V1Device = z.infer<typeof V1Device>;

const V2StateStatus = z
  .object({ status: z.string(), appState: z.string().nullish(), overallDownloadProgress: z.number().nullish(), release: z.string().nullish() })
  .passthrough();
export type V2StateStatus = z.infer<typeof V2StateStatus>;

const V2DeviceName = z.object({ status: z.string(), deviceName: z.string().nullish() }).passthrough();

export interface SupervisorEnv {
  address: string;
  apiKey: string;
  /** `BALENA_APP_ID` and `BALENA_SERVICE_NAME`, both set by the supervisor; needed to restart the service. */
  appId: number | null;
  serviceName: string | null;
}

/** The supervisor's coordinates from the environment, or why there are none. */
export function supervisorEnv(env: NodeJS.ProcessEnv): Result<SupervisorEnv, string> {
  const address = env.BALENA_SUPERVISOR_ADDRESS?.trim();
  const apiKey = env.BALENA_SUPERVISOR_API_KEY?.trim();
  if (!address || !apiKey) {
    return err('not running under balena: BALENA_SUPERVISOR_ADDRESS and BALENA_SUPERVISOR_API_KEY are not set');
  }
  if (!/^https?:\/\//.test(address)) return err(`BALENA_SUPERVISOR_ADDRESS is not an http URL: ${address}`);
  const appId = Number(env.BALENA_APP_ID);
  return ok({
    address: address.replace(/\/+$/, ''),
    apiKey,
    appId: Number.isInteger(appId) && appId > 0 ? appId : null,
    serviceName: env.BALENA_SERVICE_NAME?.trim() || null,
  });
}

export class SupervisorError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export class SupervisorClient {
  constructor(
    private readonly env: SupervisorEnv,
    private readonly timeoutMs = 10_000,
  ) {}

  device(): Promise<V1Device> {
    return this.json('GET', '/v1/device', V1Device);
  }

  stateStatus(): Promise<V2StateStatus> {
    return this.json('GET', '/v2/state/status', V2StateStatus);
  }

  async deviceName(): Promise<string | null> {
    return (await this.json('GET', '/v2/device/name', V2DeviceName)).deviceName ?? null;
  }

  /** Identify the box: the supervisor blinks its LED for 15 s (an empty 200). */
  async blink(): Promise<void> {
    await this.call('POST', '/v1/blink');
  }

  /**
   * Restart this service through the supervisor (it stops the container with SIGTERM and starts it
   * again). `force` overrides our own update lock: the restart was asked for.
   */
  async restartService(): Promise<void> {
    const { appId, serviceName } = this.env;
    if (appId === null) throw new SupervisorError('BALENA_APP_ID is not set: cannot name the application to restart', null);
    if (serviceName) await this.call('POST', `/v2/applications/${appId}/restart-service`, { serviceName, force: true });
    else await this.call('POST', '/v1/restart', { appId, force: true });
  }

  private async json<T extends z.ZodType>(method: string, path: string, schema: T): Promise<z.output<T>> {
    const text = await this.call(method, path);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new SupervisorError(`${path}: the supervisor answered something other than JSON`, 200);
    }
    const r = schema.safeParse(body);
    if (!r.success) throw new SupervisorError(`${path}: unexpected answer (${r.error.issues[0]?.message})`, 200);
    return r.data;
  }

  private async call(method: string, path: string, body?: unknown): Promise<string> {
    const url = `${this.env.address}${path}?apikey=${encodeURIComponent(this.env.apiKey)}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      throw new SupervisorError(`supervisor unreachable at ${this.env.address}: ${(e as Error).message}`, null);
    }
    const text = await res.text();
    if (!res.ok) throw new SupervisorError(`${method} ${path}: supervisor answered ${res.status} ${text.slice(0, 200)}`.trim(), res.status);
    return text;
  }
}
