import { EventEmitter } from 'node:events';
import type { VisitEvent } from './contracts/visit.js';
import type { CameraStats } from './contracts/camera.js';
import type { Box, Counts, FaceEvent } from './contracts/live.js';
import type { FootfallCounts, FootfallEvent, FootfallHour } from './contracts/footfall.js';

/** The appliance's internal event bus: producers (pipeline, visits, cameras) and consumers (MQTT, HTTP live, sync). */
export interface ApplianceEvents {
  face: [FaceEvent];
  visit: [VisitEvent];
  cameraStatus: [CameraStats];
  counts: [Counts];
  footfall: [FootfallEvent];
  footfallCounts: [FootfallCounts];
  /** An hour bucket's new figures (the sync outbox sends them to cloud-sync). */
  footfallHour: [FootfallHour];
  /** The confirmed people on a camera's latest analysed frame (the live view draws them). */
  persons: [{ cameraId: string; boxes: Box[] }];
}

export class EventBus extends EventEmitter<ApplianceEvents> {
  constructor() {
    super();
    // Many features listen to the same events; the default 10 is too low to mean a leak here.
    this.setMaxListeners(100);
  }
}
