import { EnrolResult, IdParams, Ok } from '../../contracts/http.js';
import { CaptureParams, CaptureShotParams, CaptureView, EnrolCaptureRequest, EnrolSeenRequest, EnrolSeenResult, StartCaptureRequest } from '../../contracts/enrol-capture.js';
import { notFound, unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';
import { JPEG_RESPONSE, sendPrivateJpeg } from '../private-jpeg.js';

/** Enrol from a camera (capture, review shots, enrol the kept ones) and from faces the box already saw. */
export function enrolmentRoutes(deps: HttpDeps): AnyRoute[] {
  const captures = () => need(deps.captures, 'enrolment from a camera');
  return [
    route({
      method: 'post',
      path: '/api/v1/enrol-captures',
      tag: 'staff',
      summary: 'Start collecting the best single-face shots of a camera for some seconds (the person stands in front of it)',
      access: 'staff.write',
      body: StartCaptureRequest,
      response: { status: 201, schema: CaptureView },
      async handle({ body }) {
        return unwrap(captures().start(body));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/enrol-captures/:id',
      tag: 'staff',
      summary: 'A capture: state, counters and its shots, best first (poll until state is done)',
      access: 'staff.write',
      params: CaptureParams,
      response: { schema: CaptureView },
      async handle({ params }) {
        return unwrap(captures().get(params.id));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/enrol-captures/:id/shots/:shotId',
      tag: 'staff',
      summary: 'One shot of a capture (JPEG face crop)',
      access: 'staff.write',
      params: CaptureShotParams,
      response: JPEG_RESPONSE,
      async handle({ params, res }) {
        sendPrivateJpeg(res, captures().shot(params.id, params.shotId), () => notFound(`shot ${params.shotId} of capture ${params.id}`));
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/enrol-captures/:id',
      tag: 'staff',
      summary: 'Drop a capture and its shots',
      access: 'staff.write',
      params: CaptureParams,
      response: { schema: Ok },
      async handle({ params }) {
        if (!captures().drop(params.id)) throw notFound(`capture ${params.id}`);
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/staff/:id/enrol-capture',
      tag: 'staff',
      summary: 'Enrol the kept shots of a finished capture; feedback per shot as for uploaded photos',
      access: 'staff.write',
      params: IdParams,
      body: EnrolCaptureRequest,
      response: { schema: EnrolResult },
      async handle({ params, body, audit }) {
        const r = unwrap(await captures().enrol(params.id, body));
        await audit('staff.enrolled', params.id, { from: 'camera', captureId: body.captureId, accepted: r.accepted, rejected: r.rejected });
        return r;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/staff/:id/enrol-seen',
      tag: 'staff',
      summary: "Enrol faces the box already saw: review items, customers who are this staff member, or some of a customer's samples",
      access: 'staff.write',
      params: IdParams,
      body: EnrolSeenRequest,
      response: { schema: EnrolSeenResult },
      async handle({ params, body, audit }) {
        const r = unwrap(await captures().enrolSeen(params.id, body));
        await audit('staff.enrolled', params.id, { from: 'seen', sources: r.sources.map((s) => `${s.kind}:${s.id}:${s.ok ? s.added : 'failed'}`) });
        return r;
      },
    }),
  ];
}
