import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { repoRoot } from '../util/paths.js';
import type { SystemService } from '../http/services.js';

export function appVersion(): string {
  try {
    return String(JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8')).version ?? '0.0.0');
  } catch {
    return '0.0.0';
  }
}

/** System facts of this process; restarting is delegated to the composition root (it knows how to stop cleanly). */
export class ProcessSystemService implements SystemService {
  private readonly startedAt = new Date();
  private ports: () => { http: number | null; mqtt: number | null } = () => ({ http: null, mqtt: null });

  constructor(
    private readonly deviceId: string,
    private readonly restart: (reason: string) => void,
    private readonly version = appVersion(),
  ) {}

  info() {
    return {
      version: this.version,
      deviceId: this.deviceId,
      node: process.version,
      platform: process.platform,
      arch: process.arch,
      startedAt: this.startedAt.toISOString(),
      uptimeSeconds: Math.round(process.uptime()),
      ports: this.ports(),
    };
  }

  /** The composition root tells where the listeners really are once it has chosen the ports. */
  reportPorts(ports: () => { http: number | null; mqtt: number | null }): void {
    this.ports = ports;
  }

  requestRestart(reason: string): void {
    this.restart(reason);
  }
}
