import { CameraIdParams, CropParams, LiveQuery } from '../../contracts/http.js';
import { HttpError, notFound } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';
import { JPEG_RESPONSE, sendPrivateJpeg } from '../private-jpeg.js';

/** Face images and live pictures: signed-in users only, never cached by shared caches. */
export function liveRoutes(deps: HttpDeps): AnyRoute[] {
  const knownCamera = (id: string) => {
    const camera = deps.settings.get().cameras.find((c) => c.id === id);
    if (!camera) throw notFound(`camera ${id}`);
    // Asking for the picture of a switched-off camera is the request's mistake, not the box's failure.
    if (!camera.enabled) throw new HttpError(409, 'conflict', `camera ${id} is disabled: enable it to see its picture`);
  };
  return [
    route({
      method: 'get',
      path: '/api/v1/live/:id/mjpeg',
      tag: 'live',
      summary: 'MJPEG stream of a camera with face boxes and names (or "unknown") drawn',
      access: 'live.view',
      params: CameraIdParams,
      query: LiveQuery,
      response: { contentType: 'multipart/x-mixed-replace', description: 'A JPEG per part, boundary "cvaframe"' },
      async handle({ params, query, res }) {
        knownCamera(params.id);
        const r = need(deps.live, 'live view').attach(params.id, res, query.fps);
        if (!r.ok) throw new HttpError(503, 'unavailable', 'too many live-view clients; try again later');
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/live/:id/snapshot',
      tag: 'live',
      summary: "The camera's latest frame as an annotated JPEG",
      access: 'live.view',
      params: CameraIdParams,
      response: JPEG_RESPONSE,
      async handle({ params, res }) {
        knownCamera(params.id);
        const jpeg = await need(deps.live, 'live view').snapshot(params.id);
        sendPrivateJpeg(res, jpeg, () => new HttpError(503, 'unavailable', `camera ${params.id} has not delivered a frame yet`));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/events',
      tag: 'live',
      summary: 'Server-sent events mirroring the MQTT topics (visits, faces, counts, cameras/<id>/status)',
      access: 'live.view',
      response: { contentType: 'text/event-stream', description: 'event: <topic>, data: <JSON payload>' },
      async handle({ res }) {
        if (!deps.events.attach(res)) throw new HttpError(503, 'unavailable', 'too many event-stream clients');
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/crops/:cropId',
      tag: 'live',
      summary: 'A stored face crop (JPEG)',
      access: 'faces.view',
      params: CropParams,
      response: JPEG_RESPONSE,
      async handle({ params, res }) {
        sendPrivateJpeg(res, await need(deps.crops, 'face crops').read(params.cropId), () => notFound(`crop ${params.cropId}`));
      },
    }),
  ];
}
