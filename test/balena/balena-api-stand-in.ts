import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyText, replies } from './stand-in-http.js';

/**
 * balena's cloud API cannot be reached from these machines, so this local HTTP server stands in for
 * it: it answers the requests balena-sdk makes for the calls cloud-sync uses (fleet lookup, device
 * list, restart through the supervisor proxy, pin / unpin) with the documented v7 (Pine/OData)
 * shapes: `{ d: [...] }` bodies, expanded navigations as arrays, unexpanded ones as `{ __id }`,
 * PATCH answered `OK`, a Bearer token required. Anything it does not recognise gets a 400, so a
 * changed SDK request fails the test instead of passing by accident.
 */
export interface StandInDevice {
  id: number;
  uuid: string;
  device_name: string;
  is_online: boolean;
  api_heartbeat_state: string;
  overall_status: string;
  overall_progress: number | null;
  update_status: string | null;
  os_version: string;
  supervisor_version: string;
  last_connectivity_event: string;
  running: number | null;
  pinned: number | null;
}

export interface StandInRelease {
  id: number;
  commit: string;
  status: 'success' | 'failed';
}

export class BalenaApiStandIn {
  readonly requests: Array<{ method: string; url: string; body: unknown }> = [];
  readonly restarts: Array<{ deviceId: number; appId: number }> = [];
  readonly app = { id: 2167, slug: 'acme/cva' };
  releases: StandInRelease[] = [
    { id: 71, commit: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', status: 'success' },
    { id: 72, commit: 'b2c3d4e5f60718293a4b5c6d7e8f90a1', status: 'success' },
    { id: 73, commit: 'c3d4e5f60718293a4b5c6d7e8f90a1b2', status: 'failed' },
  ];
  /** The fleet follows its newest successful release unless a device is pinned. */
  fleetRelease = 72;
  devices: StandInDevice[] = [];
  private server: Server | null = null;

  constructor(readonly apiKey = 'balena-api-key-for-tests') {}

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  addDevice(uuid: string, name: string, extra: Partial<StandInDevice> = {}): StandInDevice {
    const d: StandInDevice = {
      id: this.devices.length + 1,
      uuid,
      device_name: name,
      is_online: true,
      api_heartbeat_state: 'online',
      overall_status: 'idle',
      overall_progress: null,
      update_status: 'done',
      os_version: 'balenaOS 6.0.24+rev1',
      supervisor_version: '16.7.8',
      last_connectivity_event: '2026-12-06T08:00:00.000Z',
      running: 72,
      pinned: null,
      ...extra,
    };
    this.devices.push(d);
    return d;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private release(id: number | null) {
    const r = this.releases.find((x) => x.id === id);
    return r ? [{ commit: r.commit }] : [];
  }

  private deviceRow(d: StandInDevice, select: string[]): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const f of select) if (f in d) row[f] = (d as unknown as Record<string, unknown>)[f];
    return row;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await bodyText(req);
    const body = raw ? JSON.parse(raw) : null;
    const url = decodeURIComponent(req.url ?? '/');
    this.requests.push({ method: req.method ?? 'GET', url, body });
    const { json, text } = replies(res);
    if (req.headers.authorization !== `Bearer ${this.apiKey}`) return text(401, 'Unauthorized');
    const [path, query = ''] = url.split('?');
    const params = new Map<string, string>();
    for (const part of query.split('&')) {
      const i = part.indexOf('=');
      if (i > 0) params.set(part.slice(0, i), part.slice(i + 1));
    }
    const filter = params.get('$filter') ?? '';
    const select = (params.get('$select') ?? '').split(',').filter(Boolean);
    let m: RegExpExecArray | null;

    if (req.method === 'GET' && path === '/v7/application') {
      m = /^slug eq '([^']+)' or uuid eq '([^']+)'$/.exec(filter);
      if (!m) return text(400, `unexpected application filter: ${filter}`);
      return json(200, { d: m[1] === this.app.slug ? [{ id: this.app.id }] : [] });
    }
    if (req.method === 'GET' && path === '/v7/device') {
      if ((m = /^belongs_to__application eq (\d+)$/.exec(filter))) {
        if (Number(m[1]) !== this.app.id) return json(200, { d: [] });
        return json(200, {
          d: this.devices.map((d) => ({
            ...this.deviceRow(d, select),
            is_running__release: this.release(d.running),
            should_be_running__release: this.release(d.pinned ?? this.fleetRelease),
            is_pinned_on__release: this.release(d.pinned),
          })),
        });
      }
      if ((m = /^uuid in \(([^)]*)\)$/.exec(filter))) {
        const uuids = m[1].split(',').map((s) => s.trim().replace(/^'|'$/g, ''));
        return json(200, { d: this.devices.filter((d) => uuids.includes(d.uuid)).map((d) => ({ id: d.id, uuid: d.uuid, belongs_to__application: { __id: this.app.id } })) });
      }
      return text(400, `unexpected device filter: ${filter}`);
    }
    if (req.method === 'GET' && (m = /^\/v7\/device\(uuid='([0-9a-f]+)'\)$/.exec(path))) {
      const d = this.devices.find((x) => x.uuid === m![1]);
      return json(200, { d: d ? [{ id: d.id, supervisor_version: d.supervisor_version, belongs_to__application: [{ id: this.app.id }] }] : [] });
    }
    if (req.method === 'GET' && path === '/v7/release') {
      m = /commit eq '([0-9a-f]+)' and status eq 'success' and belongs_to__application eq (\d+)$/.exec(filter);
      if (!m) return text(400, `unexpected release filter: ${filter}`);
      const r = this.releases.filter((x) => x.commit === m![1] && x.status === 'success' && Number(m![2]) === this.app.id);
      return json(200, { d: r.slice(0, 1).map((x) => ({ id: x.id })) });
    }
    if (req.method === 'PATCH' && path === '/v7/device') {
      const ids = (m = /^id in \(([^)]*)\)$/.exec(filter)) ? m[1].split(',').map(Number) : null;
      const uuids = (m = /^uuid in \(([^)]*)\)$/.exec(filter)) ? m[1].split(',').map((s) => s.trim().replace(/^'|'$/g, '')) : null;
      if (!ids && !uuids) return text(400, `unexpected device patch filter: ${filter}`);
      if (!body || !('is_pinned_on__release' in body)) return text(400, 'unexpected device patch');
      for (const d of this.devices) if (ids?.includes(d.id) || uuids?.includes(d.uuid)) d.pinned = body.is_pinned_on__release;
      return text(200, 'OK');
    }
    if (req.method === 'POST' && path === '/supervisor/v1/restart') {
      if (typeof body?.deviceId !== 'number' || body?.data?.appId !== this.app.id) return text(400, 'deviceId and data.appId required');
      this.restarts.push({ deviceId: body.deviceId, appId: body.appId });
      return text(200, 'OK');
    }
    text(400, `unexpected request ${req.method} ${url}`);
  }
}
