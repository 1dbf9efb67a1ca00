import { z } from 'zod';
import { createLogger } from '../../../device/src/util/log.js';

/**
 * HQ's view of the fleet as balena sees it, through balena-sdk (the SDK is loaded only when
 * `BALENA_API_KEY` and `BALENA_FLEET` are configured, so neither the appliance nor a cloud-sync
 * without balena ever loads it). The SDK is pointed at `BALENA_API_URL` (default balenaCloud) through
 * its own `apiUrl` option — the same code path whichever API answers.
 */
export interface BalenaFleetConfig {
  apiKey: string;
  /** Fleet slug, `organisation/fleet`. */
  fleet: string;
  apiUrl: string;
  /** Device rows are read at most this often (the balena API is rate-limited). */
  cacheMs: number;
}

export const DEFAULT_BALENA_API_URL = 'https://api.balena-cloud.com/';

/** The configuration from the environment, or null when balena is not configured (the fleet works from heartbeats alone). */
export function balenaFleetConfig(env: NodeJS.ProcessEnv): BalenaFleetConfig | null {
  const apiKey = env.BALENA_API_KEY?.trim();
  const fleet = env.BALENA_FLEET?.trim();
  if (!apiKey || !fleet) return null;
  if (!/^[^/\s]+\/[^/\s]+$/.test(fleet)) throw new Error(`BALENA_FLEET must be a fleet slug "organisation/fleet", not "${fleet}"`);
  const apiUrl = env.BALENA_API_URL?.trim() || DEFAULT_BALENA_API_URL;
  return { apiKey, fleet, apiUrl: apiUrl.endsWith('/') ? apiUrl : `${apiUrl}/`, cacheMs: 30_000 };
}

/** One device as balena sees it, joined to our device rows on the balena UUID the box reports. */
export const BalenaDeviceView = z.object({
  uuid: z.string(),
  deviceName: z.string(),
  /** On balena's VPN right now. */
  online: z.boolean(),
  /** balena's `api_heartbeat_state`: online, offline, timeout or unknown. */
  heartbeat: z.string().nullable(),
  /** balena's overall status: idle, updating, offline, configuring… */
  status: z.string().nullable(),
  /** The supervisor's update status: downloading, downloaded, applying changes, done, rejected, aborted. */
  updateStatus: z.string().nullable(),
  progress: z.number().nullable(),
  osVersion: z.string().nullable(),
  supervisorVersion: z.string().nullable(),
  runningRelease: z.string().nullable(),
  targetRelease: z.string().nullable(),
  /** Set when the device is pinned to a release (staged rollout); null when it tracks the fleet's release. */
  pinnedRelease: z.string().nullable(),
  lastConnectivityAt: z.string().nullable(),
});
export type BalenaDeviceView = z.infer<typeof BalenaDeviceView>;

type Sdk = import('balena-sdk').BalenaSDK;
const firstCommit = (x: unknown): string | null => {
  const r = Array.isArray(x) ? x[0] : null;
  return r && typeof r === 'object' && typeof (r as { commit?: unknown }).commit === 'string' ? (r as { commit: string }).commit : null;
};

export class BalenaApiError extends Error {}
/** The release is not a successful build of this fleet (balena-sdk's BalenaReleaseNotFound). */
export class ReleaseNotFoundError extends Error {}

export class BalenaFleet {
  private sdk: Promise<Sdk> | null = null;
  private cache: { at: number; devices: Promise<Map<string, BalenaDeviceView>> } | null = null;
  private readonly log = createLogger('cloud:balena');

  constructor(readonly config: BalenaFleetConfig) {}

  /** Every device of the fleet by UUID (cached for `cacheMs`). */
  devices(): Promise<Map<string, BalenaDeviceView>> {
    const now = Date.now();
    if (!this.cache || now - this.cache.at > this.config.cacheMs) {
      const devices = this.readDevices();
      this.cache = { at: now, devices };
      devices.catch(() => (this.cache = null));
    }
    return this.cache.devices;
  }

  /** Restarts the appliance's service on one device (balena's "restart application" action). */
  async restart(uuid: string): Promise<void> {
    const sdk = await this.client();
    await this.wrap('restart', () => sdk.models.device.restartApplication(uuid));
  }

  /**
   * Pins devices to a release (full commit hash) for a staged rollout, or (release null) lets them
   * track the fleet's release again. The release must be a successful build of this fleet.
   */
  async pin(uuids: string[], release: string | null): Promise<void> {
    if (uuids.length === 0) return;
    const sdk = await this.client();
    if (release === null) await this.wrap('track fleet release', () => sdk.models.device.trackApplicationRelease(uuids));
    else await this.wrap('pin to release', () => sdk.models.device.pinToRelease(uuids, release));
    this.cache = null;
  }

  private async readDevices(): Promise<Map<string, BalenaDeviceView>> {
    const sdk = await this.client();
    const rows = await this.wrap('read devices', () =>
      sdk.models.device.getAllByApplication(this.config.fleet, {
        $select: [
          'uuid', 'device_name', 'is_online', 'api_heartbeat_state', 'overall_status', 'overall_progress', 'update_status',
          'os_version', 'supervisor_version', 'last_connectivity_event',
        ],
        $expand: {
          is_running__release: { $select: ['commit'] },
          should_be_running__release: { $select: ['commit'] },
          is_pinned_on__release: { $select: ['commit'] },
        },
      }),
    );
    const out = new Map<string, BalenaDeviceView>();
    for (const d of rows as unknown as Array<Record<string, unknown>>) {
      const str = (k: string) => (typeof d[k] === 'string' ? (d[k] as string) : null);
      const uuid = str('uuid');
      if (!uuid) continue;
      out.set(uuid, {
        uuid,
        deviceName: str('device_name') ?? uuid.slice(0, 7),
        online: d.is_online === true,
        heartbeat: str('api_heartbeat_state'),
        status: str('overall_status'),
        updateStatus: str('update_status'),
        progress: typeof d.overall_progress === 'number' ? d.overall_progress : null,
        osVersion: str('os_version'),
        supervisorVersion: str('supervisor_version'),
        runningRelease: firstCommit(d.is_running__release),
        targetRelease: firstCommit(d.should_be_running__release),
        pinnedRelease: firstCommit(d.is_pinned_on__release),
        lastConnectivityAt: str('last_connectivity_event'),
      });
    }
    return out;
  }

  private client(): Promise<Sdk> {
    this.sdk ??= (async () => {
      const { getSdk } = await import('balena-sdk');
      // dataDirectory false: an in-memory instance (no ~/.balena token file on the server).
      const sdk = getSdk({ apiUrl: this.config.apiUrl, dataDirectory: false });
      await sdk.auth.loginWithToken(this.config.apiKey);
      this.log.info(`balena fleet ${this.config.fleet} via ${this.config.apiUrl}`);
      return sdk;
    })();
    this.sdk.catch(() => (this.sdk = null));
    return this.sdk;
  }

  private async wrap<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const msg = (e as Error).message ?? String(e);
      if ((e as { code?: string }).code === 'BalenaReleaseNotFound') throw new ReleaseNotFoundError(`${msg} (not a successful release of ${this.config.fleet})`);
      this.log.warn(`balena API: ${what} failed: ${msg}`);
      throw new BalenaApiError(`balena API: ${what} failed: ${msg}`);
    }
  }
}
