import si from 'systeminformation';
import type { CameraStats } from '../contracts/camera.js';
import type { Heartbeat, OutboxBacklog, Versions } from '../contracts/sync.js';
import type { BalenaReport } from '../contracts/balena.js';

/** Real system figures for the heartbeat; a figure the platform cannot give is null, never invented. */
export async function collectHeartbeat(input: {
  versions: Versions;
  cameras: CameraStats[];
  outbox: OutboxBacklog;
  dataPath: string;
  /** Update lock and supervisor view; left out when the box has none to report. */
  balena?: BalenaReport | null;
}): Promise<Heartbeat> {
  const [load, temp, mem, disks] = await Promise.all([
    si.currentLoad().catch(() => null),
    si.cpuTemperature().catch(() => null),
    si.mem().catch(() => null),
    si.fsSize().catch(() => []),
  ]);
  // The filesystem holding the data directory: the longest mount point that prefixes it.
  const disk = disks
    .filter((d) => input.dataPath === d.mount || input.dataPath.startsWith(d.mount.endsWith('/') ? d.mount : d.mount + '/'))
    .sort((a, b) => b.mount.length - a.mount.length)[0];
  const t = temp?.main;
  return {
    uptimeSeconds: Math.round(process.uptime()),
    versions: input.versions,
    cpuLoadPercent: load ? Math.min(100, Math.max(0, Math.round(load.currentLoad * 10) / 10)) : null,
    cpuTemperatureC: typeof t === 'number' && Number.isFinite(t) && t > -50 && t < 150 ? t : null,
    memoryUsedBytes: mem ? mem.active : null,
    memoryTotalBytes: mem ? mem.total : null,
    diskUsedBytes: disk ? disk.used : null,
    diskTotalBytes: disk ? disk.size : null,
    cameras: input.cameras,
    outbox: input.outbox,
    ...(input.balena ? { updateLock: input.balena.updateLock, balena: input.balena.balena } : {}),
  };
}
