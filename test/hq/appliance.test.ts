import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Appliance } from '../../device/src/appliance.js';
import { CameraConfig } from '../../device/src/contracts/camera.js';
import type { FleetDevice } from '../../device/src/contracts/hq.js';
import { createLogger } from '../../device/src/util/log.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { SessionClient } from '../cloud/session-client.js';
import { startReceiver } from '../cloud/webhook-receiver.js';
import { provisionFleet } from '../../scripts/fleet-sim/provision.js';
import { sendHealthRound } from '../../scripts/fleet-sim/health.js';
import { prng } from '../../scripts/fleet-sim/generate.js';
import { until } from '../mqtt/until.js';
import { ADMIN, launchBrowser, newContext, screenshot, seriousViolations, signIn, startHq, type Hq } from './harness.js';

const clip = join(facesDataDir(), 'video', 'hamilton.mp4');

/**
 * A real appliance (models, GStreamer file camera on the shared clip, its own store) claimed to
 * cloud-sync on PGlite beside fleet-sim's boxes: the fleet page shows it with its live analysed fps
 * and HQ's site name, a rename on the box reaches HQ, and stopping the box fires the offline alert,
 * delivered to a real local receiver and shown on the Alerts page.
 */
describe('HQ with a real appliance, on PGlite', { timeout: 600_000 }, () => {
  let hq: Hq;
  let browser: Browser;
  let page: Page;
  let app: Appliance;
  let dir: string;
  let admin: SessionClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let running = false;
  const fleet = async () => (await admin.call<{ devices: FleetDevice[] }>('GET', '/api/fleet/devices')).body.devices;

  before(async () => {
    hq = await startHq('pglite');
    admin = new SessionClient(hq.url);
    const first = await admin.call('POST', '/api/session/first-run', { setupCode: hq.setupCode(), organisation: ADMIN.organisation, email: ADMIN.email, password: ADMIN.password });
    assert.equal(first.status, 201);
    const site = await admin.call('POST', '/api/sites', { name: 'Corner shop', timezone: 'Europe/Berlin', region: 'East' });
    const code = await admin.call('POST', `/api/sites/${site.body.id}/claim-codes`, {});
    receiver = await startReceiver();
    await admin.call('PUT', '/api/alerts/webhook', { url: receiver.url });
    await admin.call('POST', '/api/alerts/rules', { kind: 'device_offline', threshold: 0.5 });
    const token = (await admin.call('POST', '/api/users', { email: 'fleet-sim@acme.example', role: 'org_admin', apiToken: true })).body.token;
    const sim = await provisionFleet(hq.url, token, 10, 2);
    assert.equal((await sendHealthRound([hq.url], sim, prng(9))).failures, 0);

    dir = await mkdtemp(join(tmpdir(), 'cva-hq-box-'));
    const quiet = createLogger('box');
    const log = { ...quiet, info: () => undefined, child: () => ({ ...quiet, info: () => undefined, child: () => quiet }) } as typeof quiet;
    const camera = CameraConfig.parse({ id: 'door', name: 'Door', url: `file://${clip}`, analysisFps: 5, analysisWidth: 640, loop: true });
    app = await Appliance.create({
      dir, httpPort: 0, mqttPort: 0, extraCameras: [camera], log, heartbeatIntervalMs: 3_000,
      env: { CLOUD_URL: hq.url, CLAIM_CODE: code.body.code },
    });
    await app.start();
    running = true;
    browser = await launchBrowser();
    page = await (await newContext(browser, hq.url)).newPage();
    await signIn(page, ADMIN.email, ADMIN.password);
  });
  after(async () => {
    if (running) await app.stop();
    await browser?.close();
    await receiver?.close();
    await hq?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the box claims itself and shows in the fleet online, with HQ\'s site name and its camera\'s analysed fps', async () => {
    await until('the box online with a running camera analysing frames', async () => {
      const box = (await fleet()).find((d) => d.siteName === 'Corner shop');
      return !!box?.online && box.cameras.some((c) => c.cameraId === 'door' && c.state === 'running' && (c.analysedFps ?? 0) > 0);
    }, 240_000);
    await until('the box adopted the site name HQ gave it', () => app.parts.settings.get().site.name === 'Corner shop', 60_000);
    const box = (await fleet()).find((d) => d.siteName === 'Corner shop')!;
    await page.goto('/');
    await page.getByLabel('Search').fill('Corner');
    await page.getByRole('link', { name: box.name }).click();
    await page.getByRole('heading', { name: `Device ${box.name}` }).waitFor();
    // The camera's row, not a visit row that also names the door camera.
    const row = page.getByRole('row').filter({ hasText: 'door' }).filter({ hasText: 'running' });
    await row.waitFor();
    const fps = Number(/(\d+\.\d)/.exec((await row.locator('td[data-label="Analysed fps"]').textContent())!)![1]);
    assert.ok(fps > 0, `analysed fps ${fps}`);
    await until('two minutes of heartbeat history', async () => (await admin.call('GET', `/api/fleet/devices/${box.deviceId}?hours=1`)).body.history.points.length >= 2, 150_000);
    await page.getByLabel('History').selectOption('1');
    await page.locator('.uplot').first().waitFor({ timeout: 30_000 });
    await screenshot(page, 'pglite-appliance-device');
    assert.deepEqual(await seriousViolations(page), []);
  });

  it('a site renamed on the box reaches HQ\'s fleet', async () => {
    const r = await app.parts.settings.update({ site: { ...app.parts.settings.get().site, name: 'Corner shop Mitte' } });
    assert.ok(r.ok);
    await until('HQ has the new name', async () => (await fleet()).some((d) => d.siteName === 'Corner shop Mitte'), 60_000);
    await page.goto('/');
    await page.getByLabel('Search').fill('Mitte');
    await page.getByRole('cell', { name: /Corner shop Mitte/ }).waitFor();
    await screenshot(page, 'pglite-fleet-renamed');
  });

  it('stopping the box fires the offline alert: delivered, signed, to the receiver and shown on the page', async () => {
    await app.stop();
    running = false;
    await until('alert.fired delivered', () => receiver.received.some((x) => JSON.parse(x.body).alert.kind === 'device_offline' && JSON.parse(x.body).alert.siteName === 'Corner shop Mitte'), 180_000);
    const got = receiver.received.map((x) => JSON.parse(x.body)).find((b) => b.alert.siteName === 'Corner shop Mitte')!;
    assert.equal(got.event, 'alert.fired');
    assert.match(String(receiver.received[0].headers['x-cva-signature']), /^t=\d+,v1=[0-9a-f]{64}$/);
    await page.goto('/alerts');
    const row = page.getByRole('row').filter({ hasText: 'Corner shop Mitte' });
    await row.getByText('delivered').waitFor({ timeout: 30_000 });
    await screenshot(page, 'pglite-alerts-offline');
    assert.deepEqual(await seriousViolations(page), []);
  });
});
