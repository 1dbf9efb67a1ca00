import type { BalenaStatus } from '../contracts/balena.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import { SupervisorClient, supervisorEnv } from './supervisor-client.js';

/** The supervisor blinks for this long (its documented /v1/blink behaviour). */
export const BLINK_SECONDS = 15;

export class SupervisorUnavailableError extends Error {}

/**
 * The appliance's window on balena: reads the device name, update status and release from the
 * supervisor every `intervalMs`, blinks the box's LED on request and restarts the service through
 * the supervisor. Without the supervisor's variables everything here is absent and `status()` says why.
 */
export class BalenaService implements Feature {
  readonly name = 'balena';
  private readonly client: SupervisorClient | null;
  private readonly absentReason: string | null;
  private timer: NodeJS.Timeout | null = null;
  private polling: Promise<void> = Promise.resolve();
  private readonly log: Logger;
  private st: BalenaStatus;

  constructor(
    private readonly opts: { env: NodeJS.ProcessEnv; intervalMs?: number; log?: Logger },
  ) {
    this.log = opts.log ?? createLogger('balena');
    const coords = supervisorEnv(opts.env);
    this.client = coords.ok ? new SupervisorClient(coords.value) : null;
    this.absentReason = coords.ok ? null : coords.error;
    const env = opts.env;
    this.st = {
      available: false,
      reason: this.absentReason ?? 'not read from the supervisor yet',
      deviceUuid: env.BALENA_DEVICE_UUID?.trim() || null,
      deviceName: env.BALENA_DEVICE_NAME_AT_INIT?.trim() || null,
      deviceType: env.BALENA_DEVICE_TYPE?.trim() || null,
      releaseHash: env.BALENA_RELEASE_HASH?.trim() || null,
      updateStatus: null,
      updatePending: null,
      updateDownloaded: null,
      updateFailed: null,
      downloadProgress: null,
      appState: null,
      osVersion: env.BALENA_HOST_OS_VERSION?.trim() || null,
      supervisorVersion: env.BALENA_SUPERVISOR_VERSION?.trim() || null,
      checkedAt: null,
      lastError: null,
    };
  }

  get present(): boolean {
    return this.client !== null;
  }

  async start(): Promise<void> {
    if (!this.client) {
      this.log.info(`balena supervisor absent (${this.absentReason}): blink, supervisor restarts and update status are off`);
      return;
    }
    await this.poll();
    this.timer = setInterval(() => void this.poll(), this.opts.intervalMs ?? 60_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polling;
  }

  status(): BalenaStatus {
    return { ...this.st };
  }

  /** Reads the supervisor now (one read at a time); failures are kept in `lastError`, never thrown. */
  poll(): Promise<void> {
    this.polling = this.polling.then(() => this.read());
    return this.polling;
  }

  async blink(): Promise<void> {
    await this.need().blink();
  }

  /** Restart through the supervisor: it stops this container (SIGTERM, a clean stop) and starts it again. */
  async restart(): Promise<void> {
    await this.need().restartService();
  }

  private need(): SupervisorClient {
    if (!this.client) throw new SupervisorUnavailableError(this.absentReason ?? 'supervisor absent');
    return this.client;
  }

  private async read(): Promise<void> {
    const client = this.client;
    if (!client) return;
    const [device, state, name] = await Promise.allSettled([client.device(), client.stateStatus(), client.deviceName()]);
    const failures = [device, state, name].filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => (r.reason as Error).message);
    const next = { ...this.st };
    if (device.status === 'fulfilled') {
      const d = device.value;
      Object.assign(next, {
        updateStatus: d.status ?? null,
        updatePending: d.update_pending ?? null,
        updateDownloaded: d.update_downloaded ?? null,
        updateFailed: d.update_failed ?? null,
        downloadProgress: d.download_progress ?? null,
        osVersion: d.os_version ?? next.osVersion,
        supervisorVersion: d.supervisor_version ?? next.supervisorVersion,
      });
      // The release this container runs: balena's own variable wins (the supervisor's commit may already be the target).
      next.releaseHash = this.opts.env.BALENA_RELEASE_HASH?.trim() || d.commit || next.releaseHash;
    }
    if (state.status === 'fulfilled') {
      next.appState = state.value.appState ?? null;
      if (state.value.overallDownloadProgress != null) next.downloadProgress = state.value.overallDownloadProgress;
      if (!next.releaseHash && state.value.release) next.releaseHash = state.value.release;
    }
    if (name.status === 'fulfilled' && name.value) next.deviceName = name.value;
    const anyOk = failures.length < 3;
    next.available = anyOk;
    next.reason = anyOk ? null : 'the supervisor did not answer';
    next.lastError = failures.length ? failures.join('; ').slice(0, 500) : null;
    if (anyOk) next.checkedAt = new Date().toISOString();
    if (failures.length && !this.st.lastError) this.log.warn(`supervisor: ${failures.join('; ')}`);
    this.st = next;
  }
}
