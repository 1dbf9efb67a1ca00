import type { Visit, VisitEvent } from '../../device/src/contracts/visit.js';
import type { CameraStats } from '../../device/src/contracts/camera.js';
import type { Counts, FaceEvent } from '../../device/src/contracts/live.js';

/** Contract-shaped event values for the publisher tests (what the pipeline emits on the EventBus). */
export function visitEvent(type: VisitEvent['type'], at = new Date('2026-11-24T10:00:00Z')): VisitEvent {
  const after: Visit = {
    id: 'V-000001',
    personId: 'C-000017',
    kind: 'customer',
    arrivedAt: at.toISOString(),
    lastSeenAt: at.toISOString(),
    departedAt: type === 'end' ? at.toISOString() : null,
    dwellSeconds: 0,
    cameras: ['door'],
    detections: 3,
    bestCropId: null,
    demographics: { ageMedian: 34, gender: 'female', samples: 3 },
    visitNumber: 2,
    returning: true,
    status: type === 'end' ? 'closed' : 'open',
  };
  return { type, before: type === 'new' ? null : { ...after, status: 'open', departedAt: null }, after, at: at.toISOString() };
}

export function faceEvent(): FaceEvent {
  return { at: new Date().toISOString(), cameraId: 'door', trackId: 't-1', personId: null, kind: 'unknown', name: null, score: 0.41, box: { x: 10, y: 20, width: 64, height: 64 } };
}

export function counts(inShopNow: number): Counts {
  return { at: new Date().toISOString(), inShopNow, staffInShopNow: 1, visitsToday: inShopNow + 5 };
}

export function cameraStats(cameraId: string, state: CameraStats['state']): CameraStats {
  return { cameraId, state, lastError: null, decoder: 'avdec_h264', inputFps: 25, analysedFps: 10, droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: 40, width: 1280, height: 720 };
}
