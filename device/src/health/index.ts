/** System health (systeminformation), Prometheus text exposition, HTTP response counters. */
export { SystemHealth, type HealthSources, type SystemHealthOptions } from './system-health.js';
export { renderMetrics, PROMETHEUS_CONTENT_TYPE, type MetricFamily, type Sample } from './prometheus.js';
export { healthMetrics } from './metrics.js';
export { RequestMetrics } from './request-metrics.js';
