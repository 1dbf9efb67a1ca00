import { ForgetPreview, IdParams } from '../../contracts/http.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

/** Before forgetting someone, the page says exactly what goes and what stays. */
export function forgetRoutes(deps: HttpDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/people/:id/forget-preview',
      tag: 'customers',
      summary: 'What forgetting this staff member or customer would remove, and what stays (nothing is changed)',
      access: 'people.read',
      params: IdParams,
      response: { schema: ForgetPreview },
      async handle({ params }) {
        return unwrap(await need(deps.forgetPreview, 'forget preview').preview(params.id));
      },
    }),
  ];
}
