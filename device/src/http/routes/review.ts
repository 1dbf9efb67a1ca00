import { AssignRequest, IdParams, NotThisPersonRequest, ReviewDone, ReviewList } from '../../contracts/http.js';
import { ReviewBatchRequest, ReviewBatchResult, ReviewGroupList } from '../../contracts/review-groups.js';
import { unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

export function reviewRoutes(deps: HttpDeps): AnyRoute[] {
  const review = () => need(deps.review, 'the review queue');
  const groups = () => need(deps.reviewGroups, 'review groups');
  const auditAction = { assign: 'review.assigned', 'not-this-person': 'review.rejected', dismiss: 'review.dismissed' } as const;
  return [
    route({
      method: 'get',
      path: '/api/v1/review/groups',
      tag: 'review',
      summary: 'The review queue grouped by the person the items are about (unknown faces by similarity), largest first',
      access: 'people.read',
      response: { schema: ReviewGroupList },
      async handle() {
        return groups().groups();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/review/batch',
      tag: 'review',
      summary: 'One action on many review items (a whole group): assign, not this person, or dismiss; per-item results',
      access: 'review.act',
      body: ReviewBatchRequest,
      response: { schema: ReviewBatchResult },
      async handle({ body, audit }) {
        const r = await groups().act(body);
        if (r.done.length) await audit(auditAction[body.action], r.done.map((d) => d.id).join(','), { personId: 'personId' in body ? body.personId : null, items: r.done.length });
        return r;
      },
    }),
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
