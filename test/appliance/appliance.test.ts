// The whole appliance as `npm start` builds it: real models, a real GStreamer file camera on the shared
// clip, the real store in a temp dir, our broker and HTTP server on free ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventEmitter, once } from 'node:events';
import mqtt from 'mqtt';
import { Appliance } from '../../device/src/appliance.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import type { VisitEvent } from '../../device/src/contracts/visit.js';
import { createLogger } from '../../device/src/util/log.js';
import { facesDataDir } from '../../device/src/util/paths.js';

const clip = join(facesDataDir(), 'video', 'hamilton.mp4');

test('the assembled appliance turns the clip into visits, serves health and guards its broker', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-appliance-'));
  const lines: string[] = [];
  const base = createLogger('appliance-test');
  const log = { ...base, info: (m: string) => lines.push(m), child: () => ({ ...base, info: (m: string) => lines.push(m), child: () => base }) } as typeof base;
  const camera = CameraConfig.parse({ id: 'door', name: 'Door', url: `file://${clip}`, analysisFps: 10, analysisWidth: 640 });
  const app = await Appliance.create({ dir, httpPort: 0, mqttPort: 0, extraCameras: [camera], log, env: {} });
  const visits: VisitEvent[] = [];
  app.parts.bus.on('visit', (e) => visits.push(e));
  await app.start();
  try {
    // A first start with no admin prints the one-time set-up code (there is no default password).
    assert.ok(lines.some((l) => /SET-UP CODE: [A-Z0-9-]{8,}/.test(l)), 'set-up code printed');

    const health = await fetch(`${app.parts.http.url()}/api/v1/health`);
    assert.equal(health.status, 200);

    // The broker refuses a client without an account.
    const anon = mqtt.connect(`mqtt://127.0.0.1:${app.parts.mqtt.broker.port}`, { reconnectPeriod: 0, connectTimeout: 5000 });
    const [error] = (await once(anon as unknown as EventEmitter, 'error')) as [Error & { code?: number }];
    assert.match(String(error.message), /Not authorized|Bad username or password/i);
    anon.end(true);

    // The clip has faces from its first second: a customer visit opens (nobody is enrolled as staff).
    const deadline = Date.now() + 120_000;
    while (!visits.some((e) => e.type === 'new') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const opened = visits.find((e) => e.type === 'new');
    assert.ok(opened, 'a visit opened');
    assert.equal(opened.after.kind, 'customer');
    assert.match(opened.after.personId, /^C-\d{6}$/);

    // Removing the camera in the settings reaches every feature through its settings hook: the manager stops
    // the camera, the pipeline ends its tracks and forgets it.
    assert.ok(app.parts.pipeline.cameraIds().includes('door'));
    const removed = await app.parts.settings.update({ cameras: [] });
    assert.ok(removed.ok);
    await app.settled();
    assert.deepEqual(app.parts.cameras.stats(), []);
    assert.deepEqual(app.parts.pipeline.cameraIds(), []);
    assert.deepEqual(app.parts.pipeline.stats().cameras, []);
  } finally {
    await app.stop();
  }
  // Acknowledged visits are on disk in the day-segmented store.
  const days = (await readdir(join(dir, 'visits'))).filter((f) => f.endsWith('.json'));
  assert.ok(days.length >= 1);
  const stored = await readFile(join(dir, 'visits', days[0]), 'utf8');
  assert.ok(stored.includes(visits.find((e) => e.type === 'new')!.after.id));
  await rm(dir, { recursive: true, force: true });
});
