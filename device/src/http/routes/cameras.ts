import { CameraConfig } from '../../contracts/camera.js';
import { CameraIdParams, CameraList, CameraUpdate, CameraView, ConnectionTestResult } from '../../contracts/http.js';
import { notFound, unwrap } from '../errors.js';
import { redactCamera, redactSecretsInText, redactUrlSecrets, restoreUrlSecrets } from '../../secrets/redaction.js';
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
        return { items: cams().list().map(redactView) };
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
        await audit('camera.created', v.config.id, { url: redactUrlSecrets(v.config.url) });
        return redactView(v);
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
        const v = cams().get(params.id);
        return v ? redactView(v) : notFoundCamera(params.id);
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
        const before = cams().get(params.id)?.config;
        const change = body.url === undefined ? body : { ...body, url: restoreUrlSecrets(body.url, before?.url) };
        const v = unwrap(await cams().update(params.id, change));
        const fields = changedFields(before, v.config);
        if (fields.length) await audit('camera.updated', params.id, { fields });
        return redactView(v);
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
        return redactView(v);
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

/** The fields whose value a change actually altered (what the audit log lists). */
function changedFields(before: CameraConfig | undefined, after: CameraConfig): string[] {
  if (!before) return Object.keys(after);
  return (Object.keys(after) as (keyof CameraConfig)[]).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** Camera URLs may carry credentials: no reader sees them (nor the audit log). */
function redactView<V extends { config: CameraConfig; stats: { lastError: string | null } | null }>(v: V): V {
  const stats = v.stats && { ...v.stats, lastError: v.stats.lastError && redactSecretsInText(v.stats.lastError) };
  return { ...v, config: redactCamera(v.config), stats };
}
