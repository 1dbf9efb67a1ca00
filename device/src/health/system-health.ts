import si from 'systeminformation';
import type { CameraStats } from '../contracts/camera.js';
import type { HealthReport } from '../contracts/http.js';
import type { OutboxBacklog } from '../contracts/sync.js';
import type { BalenaReport } from '../contracts/balena.js';

/** Sources the health report reads besides the OS: camera supervisors and the face engine's timings. */
export interface HealthSources {
  cameraStats(): CameraStats[];
  /** Median detection ms over recent frames, null before the first frame. */
  detectorMs(): number | null;
  /** The cloud outbox's backlog, so an unsynced shop shows in health and metrics. */
  outboxBacklog?(): OutboxBacklog | null;
  /** balena's update lock and supervisor view. */
  balena?(): BalenaReport | null;
}

export interface SystemHealthOptions {
  /** Reports are cached this long: systeminformation shells out for some figures. */
  cacheMs: number;
  /** The GPU list rarely changes and `graphics()` is slow; refreshed this often. */
  gpuCacheMs: number;
}

const numOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
/** Pseudo/overlay mounts say nothing about the appliance's storage. */
const SKIP_FS = /^(overlay|tmpfs|devtmpfs|squashfs|shm|none)$/i;

/** CPU load and temperature, memory, disk, network, uptime and GPU via systeminformation, plus cameras and detector ms. */
export class SystemHealth {
  private cached: { at: number; report: Promise<HealthReport> } | null = null;
  private gpu: { at: number; list: HealthReport['gpu'] } | null = null;
  private readonly opts: SystemHealthOptions;

  constructor(
    private readonly sources: HealthSources,
    opts: Partial<SystemHealthOptions> = {},
  ) {
    this.opts = { cacheMs: 2000, gpuCacheMs: 60_000, ...opts };
  }

  report(): Promise<HealthReport> {
    const now = Date.now();
    if (!this.cached || now - this.cached.at > this.opts.cacheMs) {
      const report = this.collect();
      this.cached = { at: now, report };
      report.catch(() => (this.cached = null));
    }
    return this.cached.report;
  }

  private async gpus(): Promise<HealthReport['gpu']> {
    const now = Date.now();
    if (this.gpu && now - this.gpu.at < this.opts.gpuCacheMs) return this.gpu.list;
    const g = await si.graphics().catch(() => ({ controllers: [] as si.Systeminformation.GraphicsControllerData[] }));
    const list = g.controllers.map((c) => ({
      model: c.model || c.name || 'unknown',
      vendor: c.vendor || 'unknown',
      utilizationPercent: numOrNull(c.utilizationGpu),
      temperatureC: numOrNull(c.temperatureGpu),
    }));
    this.gpu = { at: now, list };
    return list;
  }

  private async collect(): Promise<HealthReport> {
    const [load, temp, mem, fs, net, gpu] = await Promise.all([
      si.currentLoad().catch(() => null),
      si.cpuTemperature().catch(() => null),
      si.mem(),
      si.fsSize().catch(() => []),
      si.networkStats('*').catch(() => []),
      this.gpus(),
    ]);
    const balena = this.sources.balena?.() ?? null;
    return {
      time: new Date().toISOString(),
      uptimeSeconds: si.time().uptime,
      cpu: {
        loadPercent: numOrNull(load?.currentLoad),
        cores: load?.cpus.length ?? 0,
        temperatureC: numOrNull(temp?.main),
      },
      memory: { totalBytes: mem.total, usedBytes: mem.active, processRssBytes: process.memoryUsage.rss() },
      disk: fs.filter((d) => !SKIP_FS.test(d.type) && d.size > 0).map((d) => ({ mount: d.mount, sizeBytes: d.size, usedBytes: d.used })),
      network: net.map((n) => ({ iface: n.iface, rxBytes: n.rx_bytes, txBytes: n.tx_bytes })),
      gpu,
      cameras: this.sources.cameraStats(),
      detectorMs: this.sources.detectorMs(),
      outbox: this.sources.outboxBacklog?.() ?? null,
      updateLock: balena?.updateLock ?? null,
      balena: balena?.balena ?? null,
    };
  }
}
