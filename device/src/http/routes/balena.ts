import { BalenaReport, BlinkAccepted } from '../../contracts/balena.js';
import { BLINK_SECONDS } from '../../balena/balena-service.js';
import { HttpError } from '../errors.js';
import { need, type HttpDeps } from '../deps.js';
import { route, type AnyRoute } from '../route.js';

/** balena on the page's System view: the update lock, the supervisor's view, and "identify this box". */
export function balenaRoutes(deps: HttpDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/system/balena',
      tag: 'system',
      summary: 'Update lock (held? why? until when?) and the balena supervisor’s view: device name, release, update status',
      access: 'system.read',
      response: { schema: BalenaReport },
      async handle() {
        return need(deps.balena, 'balena').report();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/system/blink',
      tag: 'system',
      summary: 'Identify the box in the shop: the balena supervisor blinks its LED for 15 s (409 outside balena)',
      access: 'system.read',
      response: { status: 202, schema: BlinkAccepted },
      async handle({ audit }) {
        const balena = need(deps.balena, 'balena');
        if (!balena.supervisorPresent) throw new HttpError(409, 'conflict', `cannot blink: ${balena.report().balena.reason}`);
        try {
          await balena.blink();
        } catch (e) {
          throw new HttpError(503, 'unavailable', `the balena supervisor did not blink: ${(e as Error).message}`);
        }
        await audit('system.blink', null);
        return { blinking: true as const, seconds: BLINK_SECONDS, at: new Date().toISOString() };
      },
    }),
  ];
}
