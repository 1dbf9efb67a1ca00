import { CameraConfig } from '../../contracts/camera.js';
import { redactUrl } from '../../camera/source-spec.js';
import { CameraIdParams, CameraList, CameraUpdate, CameraView, ConnectionTestResult } from '../../contracts/http.js';
import { notFound, unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need, type HttpDeps } from '../deps.js';

export function cameraRoutes(deps: HttpDeps): AnyRoute[] {
  const cams = () => need(deps.cameras, 'camera management');
  return [
    route({
      method: 'get',
      path: '/api/v1/cameras',
      tag: 'cameras',
      summary: 'Cameras with their live stats',
      access: 'cameras.read',
      response: { schema: CameraList },
      async handle() {
        return { items: cams().list() };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/cameras',
      tag: 'cameras',
      summary: 'Add a camera',
      access: 'cameras.write',
      body: CameraConfig,
      response: { status: 201, schema: CameraView },
      async handle({ body, audit }) {
        const v = unwrap(await cams().create(body));
        await audit('camera.created', v.config.id, { url: redactUrl(v.config.url) });
        return v;
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/cameras/:id',
      tag: 'cameras',
      summary: 'One camera',
      access: 'cameras.read',
      params: CameraIdParams,
      response: { schema: CameraView },
      async handle({ params }) {
        return cams().get(params.id) ?? notFoundCamera(params.id);
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/cameras/:id',
      tag: 'cameras',
      summary: 'Change a camera',
      access: 'cameras.write',
      params: CameraIdParams,
      body: CameraUpdate,
      response: { schema: CameraView },
      async handle({ params, body, audit }) {
        const v = unwrap(await cams().update(params.id, body));
        await audit('camera.updated', params.id, { fields: Object.keys(body) });
        return v;
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/cameras/:id',
      tag: 'cameras',
      summary: 'Remove a camera',
      access: 'cameras.write',
      params: CameraIdParams,
      response: { schema: CameraView },
      async handle({ params, audit }) {
        const v = unwrap(await cams().remove(params.id));
        await audit('camera.deleted', params.id);
        return v;
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/cameras/:id/test',
      tag: 'cameras',
      summary: 'Test the connection to a camera (opens the stream once, reports size, codec, decoder or a clear error)',
      access: 'cameras.write',
      params: CameraIdParams,
      response: { schema: ConnectionTestResult },
      async handle({ params }) {
        return unwrap(await cams().testConnection(params.id));
      },
    }),
  ];
}

function notFoundCamera(id: string): never {
  throw notFound(`camera ${id}`);
}
