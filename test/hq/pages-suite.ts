import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import type { DbKind } from '../cloud/harness.js';
import { api } from '../cloud/harness.js';
import { batch, visit, visitItemOf } from '../cloud/fixtures.js';
import { heartbeat } from '../cloud/hq-suite.js';
import { SessionClient } from '../cloud/session-client.js';
import { startReceiver } from '../cloud/webhook-receiver.js';
import { provisionFleet } from '../../scripts/fleet-sim/provision.js';
import { sendHealthRound } from '../../scripts/fleet-sim/health.js';
import { prng } from '../../scripts/fleet-sim/generate.js';
import { until } from '../mqtt/until.js';
import { ADMIN, DESKTOP, launchBrowser, newContext, PHONE, screenshot, seriousViolations, signIn, startHq, type Hq } from './harness.js';

/**
 * HQ's page in Debian's chromium against cloud-sync on `kind`: first run, sign-in, sites and the claim
 * sheet, reports with and without data and their CSV, staff names, a fleet of 1,000+ simulated boxes
 * (fleet-sim, through the real claim and ingest API), a device's page, invites, a regional manager who
 * sees only their sites, alerts delivered to a real local receiver — with axe-core on every page.
 */
export function pagesSuite(kind: DbKind, opts: { fleetSites: number; devicesPerSite: number }): void {
  describe(`HQ's page on ${kind}`, { timeout: 900_000 }, () => {
    let hq: Hq;
    let browser: Browser;
    let page: Page;
    const axe: Record<string, string[]> = {};
    let token: string;
    let paris: { siteId: string; deviceId: string; deviceToken: string };
    let tokyo: { siteId: string; deviceId: string; deviceToken: string };

    /** axe-core on the page as it is now; serious or critical findings fail the last test. */
    const check = async (name: string) => {
      const v = await seriousViolations(page);
      axe[name] = v.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(' ')).join(', ')})`);
      await screenshot(page, `${kind}-${name}`);
    };
    const go = async (path: string, heading: string) => {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor({ timeout: 30_000 });
    };
    const ingest = (dev: typeof paris, items: unknown[]) => api(hq.url, 'POST', '/api/ingest', dev.deviceToken, batch(dev.deviceId, dev.siteId, items));

    before(async () => {
      hq = await startHq(kind);
      browser = await launchBrowser();
      page = await (await newContext(browser, hq.url)).newPage();
    });
    after(async () => {
      await browser?.close();
      await hq?.close();
    });

    it('first run: the set-up code from the log makes the first admin on the page; sign-out and sign-in', async () => {
      await page.goto('/');
      await page.getByLabel('Set-up code').waitFor();
      await check('first-run');
      await page.getByLabel('Set-up code').fill('AAAA-BBBB-CCCC');
      await page.getByLabel('Organisation').fill(ADMIN.organisation);
      await page.getByLabel('Your e-mail').fill(ADMIN.email);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create the organisation' }).click();
      await page.getByText('wrong set-up code').waitFor();
      await page.getByLabel('Set-up code').fill(hq.setupCode());
      await page.getByRole('button', { name: 'Create the organisation' }).click();
      await page.getByRole('navigation', { name: 'main' }).waitFor({ timeout: 30_000 });
      await page.getByText(ADMIN.organisation).first().waitFor();
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to HQ' }).waitFor();
      await page.getByLabel('E-mail').fill(ADMIN.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('wrong e-mail or password').waitFor();
      await check('sign-in');
      await signIn(page, ADMIN.email, ADMIN.password);
      // An API token for the simulated fleet, made as an integration would get one.
      const s = new SessionClient(hq.url);
      await s.call('POST', '/api/session/sign-in', { email: ADMIN.email, password: ADMIN.password });
      token = (await s.call('POST', '/api/users', { email: 'fleet-sim@acme.example', role: 'org_admin', apiToken: true })).body.token;
      assert.ok(token);
    });

    it('sites: created and edited on the page; a claim code and its printable claim sheet with a QR code', async () => {
      await go('/sites', 'Sites');
      for (const [name, tz, region] of [['Paris Rivoli', 'Europe/Paris', 'West'], ['Tokyo Ginza', 'Asia/Tokyo', 'East']]) {
        const add = page.getByRole('form', { name: 'Add a site' });
        await add.getByLabel('Name').fill(name);
        await add.getByLabel('Time zone').selectOption(tz);
        await add.getByLabel('Region').fill(region);
        await add.getByRole('button', { name: 'Create site' }).click();
        await page.getByRole('region', { name, exact: true }).waitFor();
      }
      const card = page.getByRole('region', { name: 'Paris Rivoli', exact: true });
      await card.getByRole('button', { name: 'Edit' }).click();
      await card.getByLabel('Region').fill('West Europe');
      await card.getByRole('button', { name: 'Save' }).click();
      await page.getByText('Europe/Paris · West Europe').waitFor();
      const fresh = page.getByRole('region', { name: 'Paris Rivoli', exact: true });
      await fresh.getByRole('button', { name: 'New claim code' }).click();
      const sheetLink = fresh.getByRole('link', { name: 'Claim sheet' });
      await sheetLink.waitFor();
      await check('sites');
      await sheetLink.click();
      await page.getByRole('heading', { name: 'Claim sheet' }).waitFor();
      const code = (await page.locator('.claim-code').textContent())!.trim();
      assert.match(code, /^[A-HJKMNP-Z2-9]{8}$/);
      await page.getByText(hq.url).waitFor();
      const qr = page.getByRole('img', { name: /QR code .* Paris Rivoli/ });
      assert.ok(await qr.locator('path').getAttribute('d'));
      await check('claim-sheet');
      // The installer enters it on a box: the code claims the site once.
      const claim = await api(hq.url, 'POST', '/api/claim', null, { claimCode: code, deviceName: 'paris-door' });
      assert.equal(claim.status, 201);
      paris = { siteId: claim.body.siteId, deviceId: claim.body.deviceId, deviceToken: claim.body.token };
      await page.reload();
      await page.getByText('can no longer be used').waitFor();
      const sites = (await api(hq.url, 'GET', '/api/sites', token)).body.sites;
      const ginza = sites.find((x: any) => x.name === 'Tokyo Ginza').id;
      const c = await api(hq.url, 'POST', `/api/sites/${ginza}/claim-codes`, token, {});
      const r = await api(hq.url, 'POST', '/api/claim', null, { claimCode: c.body.code, deviceName: 'ginza-door' });
      tokyo = { siteId: r.body.siteId, deviceId: r.body.deviceId, deviceToken: r.body.token };
    });

    it('reports with no visits say so honestly', async () => {
      await go('/reports', 'Reports');
      await page.getByText('No visits were received for these sites in this period.').waitFor();
      await check('reports-empty');
      await go('/staff', 'Staff attendance');
      await page.getByText('No staff presence was recorded').waitFor();
    });

    it(`the fleet with ${opts.fleetSites * opts.devicesPerSite} simulated boxes: problems first, filters, search`, async () => {
      const sim = await provisionFleet(hq.url, token, opts.fleetSites, opts.devicesPerSite);
      const round = await sendHealthRound([hq.url], sim, prng(5));
      assert.equal(round.failures, 0, round.errors.join('; '));
      for (const dev of [paris, tokyo]) {
        const at = new Date().toISOString();
        await ingest(dev, [{ key: `hb:${at}`, kind: 'heartbeat', at, payload: heartbeat({ cameras: [] }) }]);
      }
      await go('/', 'Fleet');
      const total = sim.length + 2;
      await page.getByText(`1–100 of ${total.toLocaleString('en')}`).waitFor({ timeout: 60_000 });
      // Problems first: the first row is a silent (offline) box.
      const first = page.locator('tbody tr').first();
      assert.match((await first.textContent())!, /offline/);
      await check('fleet');
      await page.getByLabel('Region').selectOption('North');
      const north = opts.fleetSites / 4 * opts.devicesPerSite; // fleet-sim gives every fourth site the North
      await page.getByText(`of ${north.toLocaleString('en')} ·`).waitFor();
      await page.getByLabel('Search').fill('sim-5-'); // Sim shop 5 is in the North
      await page.getByText(`1–${opts.devicesPerSite} of ${opts.devicesPerSite}`).waitFor();
      await page.getByLabel('Region').selectOption('');
      await page.getByLabel('Search').fill('');
      await page.getByLabel('Only devices with problems').check();
      const problems = Number(/of ([\d,]+)/.exec((await page.locator('#fleet-count').textContent())!)![1].replace(/,/g, ''));
      assert.ok(problems > 0 && problems < total);
    });

    it('a device\'s page: heartbeat charts, cameras, recent visits in the site\'s time zone', async () => {
      const now = Date.now();
      const items = Array.from({ length: 30 }, (_, i) => {
        const at = new Date(now - (29 - i) * 60_000).toISOString(); // the last one is the newest heartbeat
        return {
          key: `hb:${at}`, kind: 'heartbeat', at,
          payload: heartbeat({
            cpuTemperatureC: 50 + (i % 7), cpuLoadPercent: 20 + i,
            cameras: [{ cameraId: 'door', state: 'running', lastError: null, decoder: 'avdec_h264', inputFps: 25, analysedFps: 9 + (i % 3) / 2, droppedFrames: 0, decodeErrors: 0, reconnects: 0, lastFrameAgeMs: 40, width: 1280, height: 720 }],
          }),
        };
      });
      const arrived = new Date(now - 2 * 3600_000).toISOString();
      assert.equal((await ingest(paris, [...items, visitItemOf(visit({ id: 'dv1', personId: 'C-000001', arrivedAt: arrived, departedAt: new Date(now - 3600_000).toISOString() }))])).status, 200);
      await go('/', 'Fleet');
      await page.getByLabel('Search').fill('paris-door');
      await page.getByRole('link', { name: 'paris-door' }).click();
      await page.getByRole('heading', { name: 'Device paris-door' }).waitFor();
      await page.locator('.uplot').first().waitFor({ timeout: 30_000 });
      assert.ok((await page.locator('.uplot').count()) >= 3, 'temperature, CPU and fps charts');
      await page.getByText('C-000001').waitFor();
      await page.getByText('(Europe/Paris)').first().waitFor();
      // The camera's live analysed fps comes from the newest heartbeat.
      assert.match((await page.getByRole('row').filter({ hasText: 'door' }).textContent())!, /running.*10\.0/);
      await check('device');
    });

    it('reports and staff attendance with real data; CSV of the visits and of the table', async () => {
      const now = Date.now();
      const h = 3600_000;
      const visits = [
        visit({ id: 'r1', personId: 'C-1', arrivedAt: new Date(now - 26 * h).toISOString(), departedAt: new Date(now - 25.8 * h).toISOString(), age: 31, gender: 'female' }),
        visit({ id: 'r2', personId: 'C-2', arrivedAt: new Date(now - 5 * h).toISOString(), departedAt: new Date(now - 4.7 * h).toISOString(), age: 44, gender: 'male' }),
        visit({ id: 'r3', personId: 'C-1', arrivedAt: new Date(now - 3 * h).toISOString(), departedAt: new Date(now - 2.9 * h).toISOString(), returning: true, age: 30, gender: 'female' }),
        visit({ id: 'rs', personId: 'S-1', kind: 'staff', arrivedAt: new Date(now - 8 * h).toISOString(), departedAt: new Date(now - 1 * h).toISOString() }),
      ];
      assert.equal((await ingest(paris, visits.map((v) => visitItemOf(v)))).body.applied, 4);
      const tv = visit({ id: 't1', personId: 'C-9', arrivedAt: new Date(now - 30 * h).toISOString(), departedAt: new Date(now - 29.5 * h).toISOString() });
      const ts = visit({ id: 'ts', personId: 'S-2', kind: 'staff', arrivedAt: new Date(now - 7 * h).toISOString(), departedAt: new Date(now - 2 * h).toISOString() });
      assert.equal((await ingest(tokyo, [visitItemOf(tv), visitItemOf(ts)])).body.applied, 2);
      const at = new Date().toISOString();
      await ingest(paris, [{ key: `hb:${at}`, kind: 'heartbeat', at, payload: heartbeat({ staffNames: [{ personId: 'S-1', displayName: 'Amélie Dupont' }] }) }]);

      await go('/reports', 'Reports');
      await page.getByRole('heading', { name: 'Peak hours' }).waitFor();
      const visitsStat = page.locator('.stat').filter({ hasText: 'Visits' }).first();
      // Customer visits of the last 7 days: r1–r3 and the device page's dv1 in Paris, t1 in Tokyo.
      assert.equal((await visitsStat.locator('.value').textContent())!.trim(), '5');
      await page.locator('.heatmap').waitFor();
      // The comparison ranks by any column: by site name, ascending.
      await page.getByRole('button', { name: 'Site' }).click();
      const firstSite = await page.locator('.card').filter({ hasText: 'Site comparison' }).locator('tbody tr').first().textContent();
      assert.match(firstSite!, /Paris Rivoli|Sim shop/);
      await check('reports');
      // An area manager reads it on a phone too: the same page, stacked.
      await page.setViewportSize(PHONE);
      await check('reports-phone');
      await page.setViewportSize(DESKTOP);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Visits (CSV)' }).click()]);
      const csv = await readFile((await download.path())!, 'utf8');
      const lines = csv.trimEnd().split('\r\n');
      assert.ok(lines[0].includes('timezone'));
      assert.equal(lines.length - 1, 7, 'every visit of the 7 days, staff included, one row each');
      assert.ok(lines.some((l) => l.includes('Europe/Paris')) && lines.some((l) => l.includes('Asia/Tokyo')));
      const [table] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'This table (CSV)' }).click()]);
      const tcsv = await readFile((await table.path())!, 'utf8');
      assert.ok(tcsv.startsWith('site,visits,'));
      assert.ok(tcsv.includes('Paris Rivoli,4,'));

      await go('/staff', 'Staff attendance');
      await page.getByText('Amélie Dupont').waitFor();
      await page.getByText('S-2 (name kept on the box)').waitFor();
      await check('staff');
    });

    it('users: invites through the page; a regional manager sees only their sites, in the browser', async () => {
      await go('/users', 'Users');
      const form = page.getByRole('form', { name: 'Invite someone' });
      await form.getByLabel('E-mail').fill('rm@acme.example');
      await form.getByLabel('Role').selectOption('regional_manager');
      await form.getByLabel('Sites (regional managers)').selectOption({ label: 'Paris Rivoli' });
      await form.getByRole('button', { name: 'Create invite' }).click();
      const link = (await page.getByTestId('invite-link').textContent())!.trim();
      assert.match(link, /\/invite\//);
      await page.getByRole('cell', { name: 'rm@acme.example' }).waitFor();
      await check('users');

      const rmContext = await newContext(browser, hq.url);
      const rm = await rmContext.newPage();
      await rm.goto(link);
      await rm.getByLabel('New password').fill('short');
      await rm.getByRole('button', { name: 'Set password and sign in' }).click();
      await rm.getByRole('alert').getByText('at least 10 characters').waitFor();
      await rm.getByLabel('New password').fill('regional manager pass');
      await rm.getByRole('button', { name: 'Set password and sign in' }).click();
      await rm.getByRole('heading', { name: 'Fleet' }).waitFor({ timeout: 30_000 });
      await rm.getByText('1–1 of 1').waitFor();
      assert.equal(await rm.getByRole('link', { name: 'paris-door' }).count(), 1);
      assert.equal(await rm.getByRole('link', { name: 'Sites' }).count(), 0, 'no Sites page for a manager');
      assert.equal(await rm.getByRole('link', { name: 'Users' }).count(), 0);
      await screenshot(rm, `${kind}-regional-manager-fleet`);
      await rm.goto(`/devices/${tokyo.deviceId}`);
      await rm.getByText(`device ${tokyo.deviceId} not found`).waitFor();
      await rm.goto('/reports');
      await rm.getByRole('heading', { name: 'Peak hours' }).waitFor();
      const options = await rm.getByLabel('Sites').locator('option').allTextContents();
      assert.deepEqual(options, ['All sites', 'Paris Rivoli']);
      assert.equal(await rm.getByText('Tokyo Ginza').count(), 0);
      await rm.goto('/staff');
      await rm.getByText('Amélie Dupont').waitFor();
      assert.equal(await rm.getByText('S-2 (name kept on the box)').count(), 0);

      // Disabled on the admin's page: the manager's next call lands on sign-in.
      await page.reload();
      const row = page.getByRole('row').filter({ hasText: 'rm@acme.example' });
      await row.getByRole('button', { name: 'Disable' }).click();
      await row.getByRole('button', { name: 'Yes' }).click();
      await row.getByText('disabled').waitFor();
      await rm.goto('/');
      await rm.getByRole('heading', { name: 'Sign in to HQ' }).waitFor();
      await rmContext.close();
    });

    it('alerts: a rule and the webhook set on the page; the alert reaches a real receiver and shows delivered', async () => {
      const receiver = await startReceiver(1);
      try {
        await go('/alerts', 'Alerts');
        await page.getByLabel('Webhook URL').fill(receiver.url);
        await page.getByRole('button', { name: 'Save webhook' }).click();
        await page.getByText('whsec_').waitFor();
        await page.getByLabel('When').selectOption('backlog_above');
        await page.getByLabel('Threshold (items)').fill('1000');
        await page.getByRole('button', { name: 'Add rule' }).click();
        await page.getByText('above 1000 items').waitFor();
        await until('webhook delivered', () => receiver.received.some((r) => r.answered === 200), 60_000);
        const body = JSON.parse(receiver.received.find((r) => r.answered === 200)!.body);
        assert.equal(body.alert.kind, 'backlog_above');
        await page.reload();
        await page.getByText('delivered').first().waitFor({ timeout: 30_000 });
        await check('alerts');
      } finally {
        await receiver.close();
      }
    });

    it('axe-core finds no serious or critical violation on any page', () => {
      const bad = Object.entries(axe).filter(([, v]) => v.length);
      assert.deepEqual(bad, []);
      assert.ok(Object.keys(axe).length >= 10);
    });
  });
}
