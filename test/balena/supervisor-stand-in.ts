import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyText, replies } from './stand-in-http.js';

/**
 * The balena supervisor cannot run on these machines, so this local HTTP server stands in for it,
 * answering the endpoints the appliance calls exactly as balena-supervisor's docs/API.md documents
 * them (status codes, bodies, the `apikey` query parameter; 401 for a wrong key).
 */
export interface SupervisorCall {
  method: string;
  path: string;
  apikey: string | null;
  body: unknown;
}

export interface SupervisorState {
  commit: string;
  status: string;
  updatePending: boolean;
  updateDownloaded: boolean;
  updateFailed: boolean;
  downloadProgress: number | null;
  appState: 'applied' | 'applying';
  deviceName: string;
  appId: number;
}

export class SupervisorStandIn {
  readonly calls: SupervisorCall[] = [];
  state: SupervisorState = {
    commit: '7fc9c5bea8e361acd49886fe6cc1e1cd',
    status: 'Idle',
    updatePending: false,
    updateDownloaded: false,
    updateFailed: false,
    downloadProgress: null,
    appState: 'applied',
    deviceName: 'holy-wildflower',
    appId: 1032480,
  };
  private server: Server | null = null;

  constructor(readonly apiKey = 'c0ffee-supervisor-key') {}

  get address(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The variables balena gives a service with the supervisor-api feature. */
  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      BALENA: '1',
      BALENA_SUPERVISOR_ADDRESS: this.address,
      BALENA_SUPERVISOR_API_KEY: this.apiKey,
      BALENA_APP_ID: String(this.state.appId),
      BALENA_SERVICE_NAME: 'main',
      BALENA_DEVICE_UUID: '1c7e0a5b2f8d4e6a9b3c5d7e9f1a2b3c',
      BALENA_DEVICE_TYPE: 'jetson-orin-nano-devkit-nvme',
      ...extra,
    };
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private async answer(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const raw = await bodyText(req);
    let body: unknown = null;
    try {
      body = raw ? JSON.parse(raw) : null;
    } catch {
      body = raw;
    }
    const call = { method: req.method ?? 'GET', path: url.pathname, apikey: url.searchParams.get('apikey'), body };
    this.calls.push(call);
    const { json, text } = replies(res);
    if (call.apikey !== this.apiKey) return text(401, 'Unauthorized');
    const s = this.state;
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /v1/device') {
      return json(200, {
        api_port: 48484,
        ip_address: '192.168.1.42 10.114.101.2',
        commit: s.commit,
        status: s.status,
        download_progress: s.downloadProgress,
        os_version: 'balenaOS 6.0.24+rev1',
        supervisor_version: '16.7.8',
        update_pending: s.updatePending,
        update_downloaded: s.updateDownloaded,
        update_failed: s.updateFailed,
      });
    }
    if (route === 'GET /v2/state/status') {
      return json(200, {
        status: 'success',
        appState: s.appState,
        overallDownloadProgress: s.downloadProgress,
        containers: [{ status: 'Running', serviceName: 'main', appId: s.appId, imageId: 959262, serviceId: 29396, containerId: 'be4a860e34ff', createdAt: '2026-12-01T16:05:34.506Z' }],
        images: [],
        release: s.commit,
      });
    }
    if (route === 'GET /v2/device/name') return json(200, { status: 'success', deviceName: s.deviceName });
    if (route === 'POST /v1/blink') return text(200, '');
    if (route === `POST /v2/applications/${s.appId}/restart-service`) {
      const b = body as { serviceName?: string; imageId?: number } | null;
      if (!b?.serviceName && !b?.imageId) return text(400, 'Missing serviceName or imageId parameters');
      return text(200, 'OK');
    }
    if (route === 'POST /v1/restart') return text(200, 'OK');
    text(404, 'Not Found');
  }
}
