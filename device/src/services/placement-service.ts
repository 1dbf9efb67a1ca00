import type { PlacementMonitor } from '../placement/placement-monitor.js';
import type { PlacementService } from '../http/services.js';
import { err, ok } from '../util/result.js';

/** The placement check over the configured cameras (a camera with no measured face still gets its "no data" advice). */
export function bindPlacement(monitor: Pick<PlacementMonitor, 'report'>, cameraIds: () => string[]): PlacementService {
  return {
    report(cameraId, minutes) {
      if (!cameraIds().includes(cameraId)) return err({ code: 'not_found', message: `camera ${cameraId} not found` });
      return ok(monitor.report(cameraId, minutes));
    },
    all(minutes) {
      return { minutes, items: cameraIds().map((id) => monitor.report(id, minutes)) };
    },
  };
}
