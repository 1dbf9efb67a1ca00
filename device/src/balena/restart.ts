import type { Logger } from '../util/log.js';
import type { BalenaService } from './balena-service.js';

/**
 * How the appliance restarts itself: under balena it asks the supervisor (which stops the container
 * with SIGTERM — a clean stop — and starts it again); elsewhere, or when the supervisor refuses, it
 * stops itself and leaves the start to whatever supervises it (balena's restart policy, systemd).
 */
export function restartHandler(balena: Pick<BalenaService, 'present' | 'restart'>, exit: () => void, log: Logger): (reason: string) => Promise<void> {
  return async (reason) => {
    if (!balena.present) {
      log.warn(`restart requested: ${reason}; exiting so the supervisor (balena, systemd) starts the appliance again`);
      return exit();
    }
    log.warn(`restart requested: ${reason}; asking the balena supervisor`);
    try {
      await balena.restart();
    } catch (e) {
      log.error(`the balena supervisor did not restart the service (${(e as Error).message}); exiting instead`);
      exit();
    }
  };
}
