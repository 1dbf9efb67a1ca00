/**
 * Fleet simulator: N simulated appliances against a running cloud-sync, M visits a day each,
 * a heartbeat every simulated 60 s, on a time-compressed clock.
 *
 *   node dist/scripts/fleet-sim.js --url http://127.0.0.1:8090 --admin-token <org admin token> \
 *        [--devices 20] [--visits-per-day 300] [--days 1] [--speed 1440] [--health-only]
 *
 * --health-only: provision, then one round of heartbeats and camera states with a realistic mix of
 * trouble (a few boxes silent, cameras down, backlogs, full disks), for HQ's fleet page.
 * Sites and devices are provisioned through the real admin and claim API. Prints a JSON summary.
 */
import { parseArgs } from 'node:util';
import { percentile } from './fleet-sim/client.js';
import { runCompressed } from './fleet-sim/compressed.js';
import { provisionFleet } from './fleet-sim/provision.js';
import { sendHealthRound } from './fleet-sim/health.js';
import { prng } from './fleet-sim/generate.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8090' },
    'admin-token': { type: 'string' },
    devices: { type: 'string', default: '20' },
    'visits-per-day': { type: 'string', default: '300' },
    days: { type: 'string', default: '1' },
    speed: { type: 'string', default: '1440' },
    'health-only': { type: 'boolean', default: false },
  },
});
const token = values['admin-token'] ?? process.env.CLOUD_ADMIN_TOKEN;
if (!token) {
  console.error('--admin-token (or CLOUD_ADMIN_TOKEN) is required: create one with node dist/cloud-sync/src/cli.js create-admin');
  process.exit(2);
}
const urls = values.url!.split(',');
const devices = await provisionFleet(urls[0], token, Number(values.devices));
if (values['health-only']) {
  const h = await sendHealthRound(urls, devices, prng(3));
  console.log(JSON.stringify({ devices: devices.length, requests: h.requests, failures: h.failures, errors: h.errors }));
  process.exit(h.failures ? 1 : 0);
}
const r = await runCompressed({
  devices,
  urls,
  visitsPerDay: Number(values['visits-per-day']),
  days: Number(values.days),
  speed: Number(values.speed),
});
console.log(
  JSON.stringify({
    devices: devices.length,
    simulatedMinutes: r.simulatedMinutes,
    visitsGenerated: r.visits,
    requests: r.requests,
    failures: r.failures,
    applied: r.applied,
    duplicate: r.duplicate,
    rejected: r.rejected,
    realSeconds: Math.round(r.ms) / 1000,
    uploadP95Ms: Math.round(percentile(r.latenciesMs, 95) * 10) / 10,
  }),
);
