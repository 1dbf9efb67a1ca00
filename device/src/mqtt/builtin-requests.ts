import { z } from 'zod';
import { ok } from '../util/result.js';
import type { MqttRequestRouter } from './requests.js';
import type { InfoProvider } from './publisher.js';
import type { BridgeHealth } from '../contracts/mqtt.js';

/** The requests every appliance answers: `health_check` and `info`. */
export function registerBuiltinRequests(router: MqttRequestRouter, deps: { info: InfoProvider; health: () => Promise<BridgeHealth> }): void {
  router.register('health_check', z.object({}), async () => ok({ healthy: true, ...(await deps.health()) }));
  router.register('info', z.object({}), async () => ok(await deps.info()));
}
