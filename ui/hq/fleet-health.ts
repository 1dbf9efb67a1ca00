/** What counts as a problem on the fleet page, worst first; the page sorts devices by it. */
import type { FleetDevice } from './contracts.js';
import { S } from './strings.js';

export const BACKLOG_WARN = 1000;
export const DISK_WARN_PERCENT = 90;
export const HOT_C = 80;

export interface Health {
  /** 0 = fine; higher = worse (offline > camera down > backlog/disk/heat). */
  severity: number;
  problems: string[];
}

export function healthOf(d: FleetDevice): Health {
  const problems: string[] = [];
  let severity = 0;
  if (d.revoked) return { severity: 0, problems: [] };
  if (!d.online) {
    problems.push(S.problems.offline);
    severity = 3;
  }
  if (d.camerasDown > 0) {
    problems.push(S.problems.cameraDown(d.camerasDown));
    severity = Math.max(severity, 2);
  }
  if ((d.backlog ?? 0) > BACKLOG_WARN) problems.push(S.problems.backlog);
  if ((d.diskPercent ?? 0) > DISK_WARN_PERCENT) problems.push(S.problems.disk);
  if ((d.cpuTemperatureC ?? 0) > HOT_C) problems.push(S.problems.hot);
  if (problems.length && severity === 0) severity = 1;
  return { severity, problems };
}

export function versionOf(d: FleetDevice): string {
  const v = d.versions as { app?: string } | null;
  return v?.app ?? '—';
}
