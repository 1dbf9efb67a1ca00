import { AssignRequest, IdParams, NotThisPersonRequest, ReviewDone, ReviewList } from '../../contracts/http.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

export function reviewRoutes(deps: HttpDeps): AnyRoute[] {
  const review = () => need(deps.review, 'the review queue');
  return [
    route({
      method: 'get',
      path: '/api/v1/review',
      tag: 'review',
      summary: 'Uncertain face decisions waiting for a person to look at them',
      access: 'people.read',
      response: { schema: ReviewList },
      async handle() {
        return { items: review().list() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/review/:id/assign',
      tag: 'review',
      summary: 'This face is that person',
      access: 'review.act',
      params: IdParams,
      body: AssignRequest,
      response: { schema: ReviewDone },
      async handle({ params, body, audit }) {
        const r = unwrap(await review().assign(params.id, body.personId));
        await audit('review.assigned', params.id, { personId: body.personId });
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/review/:id/not-this-person',
      tag: 'review',
      summary: 'This face is not the suggested person (remembered as a negative pair)',
      access: 'review.act',
      params: IdParams,
      body: NotThisPersonRequest,
      response: { schema: ReviewDone },
      async handle({ params, body, audit }) {
        const r = unwrap(await review().notThisPerson(params.id, body.personId));
        await audit('review.rejected', params.id, { personId: r.personId });
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/review/:id/dismiss',
      tag: 'review',
      summary: 'Drop the item without a decision',
      access: 'review.act',
      params: IdParams,
      response: { schema: ReviewDone },
      async handle({ params, audit }) {
        const r = unwrap(await review().dismiss(params.id));
        await audit('review.dismissed', params.id);
        return r;
      },
    }),
  ];
}
