import type { BalenaReport } from '../contracts/balena.js';
import type { BalenaService } from './balena-service.js';
import type { UpdateLock } from './update-lock.js';

/** What the HTTP API, health and heartbeats need from balena: one report, and the blink. */
export interface BalenaControl {
  report(): BalenaReport;
  blink(): Promise<void>;
  /** False outside balena (no supervisor variables): blink answers 409 with `report().balena.reason`. */
  readonly supervisorPresent: boolean;
}

export function balenaControl(lock: UpdateLock, service: BalenaService): BalenaControl {
  return {
    report: () => ({ updateLock: lock.state(), balena: service.status() }),
    blink: () => service.blink(),
    get supervisorPresent() {
      return service.present;
    },
  };
}
