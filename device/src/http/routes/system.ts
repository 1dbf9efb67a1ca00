import { AuditList, AuditQuery, HealthReport, Liveness, RestartAccepted, SystemInfo } from '../../contracts/http.js';
import { healthMetrics } from '../../health/metrics.js';
import { PROMETHEUS_CONTENT_TYPE, renderMetrics, type MetricFamily } from '../../health/prometheus.js';
import type { RequestMetrics } from '../../health/request-metrics.js';
import { route, type AnyRoute } from '../route.js';
import { HttpError } from '../errors.js';
import type { HttpDeps } from '../deps.js';

const startedAt = Date.now();

export function systemRoutes(deps: HttpDeps, requests: RequestMetrics): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/health',
      tag: 'system',
      summary: 'Liveness (no sign-in needed)',
      access: 'public',
      response: { schema: Liveness },
      async handle() {
        return { status: 'ok' as const, time: new Date().toISOString(), uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/health/details',
      tag: 'system',
      summary: 'CPU, temperature, memory, disk, network, GPU, camera stats and detector timing',
      access: 'system.read',
      response: { schema: HealthReport },
      async handle() {
        return deps.health.report();
      },
    }),
    route({
      method: 'get',
      path: '/metrics',
      tag: 'system',
      summary: 'Prometheus metrics (admin session or an API token with the admin role)',
      access: 'metrics.read',
      response: { contentType: PROMETHEUS_CONTENT_TYPE, description: 'Prometheus text exposition format' },
      async handle({ res }) {
        const families: MetricFamily[] = [
          ...healthMetrics(await deps.health.report()),
          { name: 'cva_http_responses_total', help: 'HTTP responses by route and status', type: 'counter', samples: requests.samples() },
          { name: 'cva_live_clients', help: 'Open MJPEG live-view clients', type: 'gauge', samples: [{ value: deps.live?.clientCount() ?? 0 }] },
          { name: 'cva_live_encoded_frames_total', help: 'Annotated live-view frames encoded', type: 'counter', samples: [{ value: deps.live?.encodedFrames ?? 0 }] },
          { name: 'cva_event_stream_clients', help: 'Open server-sent-event clients', type: 'gauge', samples: [{ value: deps.events.clientCount() }] },
        ];
        res.status(200).type(PROMETHEUS_CONTENT_TYPE).send(renderMetrics(families));
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/system/info',
      tag: 'system',
      summary: 'Version, device id, platform, uptime and the ports in use',
      access: 'system.read',
      response: { schema: SystemInfo },
      async handle() {
        return deps.system.info();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/system/restart',
      tag: 'system',
      summary: 'Ask the appliance to restart (answers before restarting)',
      access: 'system.restart',
      response: { status: 202, schema: RestartAccepted },
      async handle({ res, actor, audit }) {
        await audit('system.restart-requested', null);
        // Restart only after the answer has left.
        res.on('finish', () => deps.system.requestRestart(`requested by ${actor!.name}`));
        return { accepted: true as const, at: new Date().toISOString() };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/audit',
      tag: 'system',
      summary: 'Audit log: who enrolled, merged, forgot, exported or changed settings; newest first',
      access: 'audit.read',
      query: AuditQuery,
      response: { schema: AuditList },
      async handle({ query }) {
        const r = await deps.accounts.audit.list(query);
        if (!r.ok) throw new HttpError(400, 'validation_failed', r.error);
        return r.value;
      },
    }),
  ];
}
