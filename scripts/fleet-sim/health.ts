import { emptyTotals, postUpload, type UploadTotals } from './client.js';
import { batchBody, heartbeatFor, type SimDevice } from './generate.js';
import type { CameraStats } from '../../device/src/contracts/camera.js';
import type { Heartbeat, SyncItem } from '../../device/src/contracts/sync.js';

/** What one simulated box reports in a health round; most are fine, a few have each kind of trouble. */
export type SimHealth = 'ok' | 'silent' | 'camera-down' | 'backlog' | 'disk-full';

/** Deterministic by position: every 50th box is silent (offline), every 37th has a camera down, … */
export function healthOf(i: number): SimHealth {
  if (i % 50 === 7) return 'silent';
  if (i % 37 === 5) return 'camera-down';
  if (i % 43 === 11) return 'backlog';
  if (i % 61 === 13) return 'disk-full';
  return 'ok';
}

function camera(id: string, state: CameraStats['state'], fps: number): CameraStats {
  return {
    cameraId: id, state, lastError: state === 'running' ? null : 'RTSP server refused the connection (connection refused)',
    decoder: 'avdec_h264', inputFps: state === 'running' ? 25 : 0, analysedFps: fps, droppedFrames: 0, decodeErrors: 0,
    reconnects: state === 'running' ? 0 : 4, lastFrameAgeMs: state === 'running' ? 40 : null, width: 1280, height: 720,
  };
}

/**
 * One round of heartbeats and camera states from every box except the silent ones, through the real
 * ingest API, so HQ's fleet page has a realistic mix of healthy and troubled devices.
 */
export async function sendHealthRound(urls: string[], devices: SimDevice[], rnd: () => number, concurrency = 16): Promise<UploadTotals> {
  const totals = emptyTotals();
  let next = 0;
  const worker = async () => {
    while (next < devices.length) {
      const i = next++;
      const h = healthOf(i);
      if (h === 'silent') continue;
      const at = new Date();
      const hb = heartbeatFor(at, h === 'backlog' ? 25_000 : Math.floor(rnd() * 3), rnd) as Extract<SyncItem, { kind: 'heartbeat' }>;
      const payload: Heartbeat = {
        ...hb.payload,
        versions: { app: i % 9 === 0 ? '0.1.0' : '0.2.0', node: process.version },
        cameras: [camera('door', h === 'camera-down' ? 'error' : 'running', h === 'camera-down' ? 0 : 8 + Math.round(rnd() * 40) / 10), camera('floor', 'running', 10)],
        diskUsedBytes: h === 'disk-full' ? 31e9 : hb.payload.diskUsedBytes,
      };
      const items: SyncItem[] = [
        ...payload.cameras.map((c): SyncItem => ({ key: `cam:${c.cameraId}:${at.toISOString()}`, kind: 'cameraStatus', at: at.toISOString(), payload: c })),
        { ...hb, payload },
      ];
      await postUpload(urls[i % urls.length], { device: devices[i], body: batchBody(devices[i], items, `health-${at.getTime()}-${i}`), items: items.length }, totals);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return totals;
}
