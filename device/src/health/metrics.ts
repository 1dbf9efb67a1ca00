import type { HealthReport } from '../contracts/http.js';
import type { MetricFamily, Sample } from './prometheus.js';

const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name, help, type: 'gauge', samples });
const one = (v: number | null): Sample[] => (v === null ? [] : [{ value: v }]);

const cameraStates = ['starting', 'running', 'reconnecting', 'stopped', 'error'] as const;

/** Maps a health report onto Prometheus metric families (names prefixed `cva_`). */
export function healthMetrics(h: HealthReport): MetricFamily[] {
  const cam = (pick: (c: HealthReport['cameras'][number]) => number | null) =>
    h.cameras.flatMap((c) => {
      const v = pick(c);
      return v === null ? [] : [{ labels: { camera: c.cameraId }, value: v }];
    });
  return [
    gauge('cva_uptime_seconds', 'System uptime', [{ value: h.uptimeSeconds }]),
    gauge('cva_cpu_load_percent', 'CPU load over all cores', one(h.cpu.loadPercent)),
    gauge('cva_cpu_temperature_celsius', 'CPU temperature', one(h.cpu.temperatureC)),
    gauge('cva_memory_total_bytes', 'Total memory', [{ value: h.memory.totalBytes }]),
    gauge('cva_memory_used_bytes', 'Memory in active use', [{ value: h.memory.usedBytes }]),
    gauge('cva_process_resident_bytes', 'Resident memory of the appliance process', [{ value: h.memory.processRssBytes }]),
    gauge('cva_disk_size_bytes', 'Filesystem size', h.disk.map((d) => ({ labels: { mount: d.mount }, value: d.sizeBytes }))),
    gauge('cva_disk_used_bytes', 'Filesystem used', h.disk.map((d) => ({ labels: { mount: d.mount }, value: d.usedBytes }))),
    { name: 'cva_network_receive_bytes_total', help: 'Bytes received', type: 'counter', samples: h.network.map((n) => ({ labels: { iface: n.iface }, value: n.rxBytes })) },
    { name: 'cva_network_transmit_bytes_total', help: 'Bytes sent', type: 'counter', samples: h.network.map((n) => ({ labels: { iface: n.iface }, value: n.txBytes })) },
    gauge(
      'cva_gpu_utilization_percent',
      'GPU utilisation where reported',
      h.gpu.flatMap((g) => (g.utilizationPercent === null ? [] : [{ labels: { model: g.model }, value: g.utilizationPercent }])),
    ),
    gauge('cva_detector_milliseconds', 'Median face-detection time per frame', one(h.detectorMs)),
    gauge('cva_outbox_pending_items', 'Items waiting for cloud-sync', one(h.outbox?.pendingItems ?? null)),
    gauge('cva_outbox_pending_visits', 'Visit events waiting for cloud-sync', one(h.outbox?.pendingVisits ?? null)),
    gauge('cva_update_lock_held', 'balena update lock held by the appliance (1), with its reasons', h.updateLock
      ? [{ labels: { reasons: h.updateLock.reasons.join(',') }, value: h.updateLock.held ? 1 : 0 }]
      : []),
    gauge(
      'cva_camera_state',
      'Camera state (1 for the current state)',
      h.cameras.flatMap((c) => cameraStates.map((s) => ({ labels: { camera: c.cameraId, state: s }, value: c.state === s ? 1 : 0 }))),
    ),
    gauge('cva_camera_input_fps', 'Frames per second from the camera', cam((c) => c.inputFps)),
    gauge('cva_camera_analysed_fps', 'Frames per second analysed', cam((c) => c.analysedFps)),
    { name: 'cva_camera_dropped_frames_total', help: 'Frames dropped', type: 'counter', samples: cam((c) => c.droppedFrames) },
    { name: 'cva_camera_decode_errors_total', help: 'Decode errors', type: 'counter', samples: cam((c) => c.decodeErrors) },
    { name: 'cva_camera_reconnects_total', help: 'Reconnects', type: 'counter', samples: cam((c) => c.reconnects) },
    gauge('cva_camera_last_frame_age_milliseconds', 'Age of the newest frame', cam((c) => c.lastFrameAgeMs)),
  ];
}
