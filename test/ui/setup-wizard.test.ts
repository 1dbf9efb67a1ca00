// The first-run set-up in a real browser against a fresh appliance: set-up code from the log, first
// admin, site with a searched timezone, the shared clip as the first camera (test connection, snapshot),
// an invalid cloud URL refused in place, then done — with reloads in between to prove it resumes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, ApplianceProcess, clipPath, launchBrowser, newContext, screenshot, seriousViolations } from './harness.js';

let app: ApplianceProcess;
let browser: Browser;
before(async () => {
  app = await ApplianceProcess.start();
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await app?.close();
});

test('a new installer sets the appliance up in the browser, resuming after reloads', { timeout: 300_000 }, async () => {
  const context = await newContext(browser, app);
  const page = await context.newPage();
  try {
    await wizard(page, context);
  } catch (e) {
    await screenshot(page, 'failure-setup-wizard');
    throw e;
  } finally {
    await context.close();
  }
});

async function wizard(page: Page, context: BrowserContext): Promise<void> {
  await page.goto('/');
  await page.getByRole('heading', { name: 'Set up this appliance' }).waitFor();
  await page.getByText('SET-UP CODE').first().waitFor();
  await screenshot(page, 'setup-1-code');
  assert.deepEqual(await seriousViolations(page), []);

  await page.getByLabel('Set-up code').fill(app.setupCode());
  await page.getByRole('button', { name: 'Next' }).click();
  // Reload on the admin step: the code typed before is kept (the wizard resumes at the admin step).
  await page.getByLabel('Admin username').waitFor();
  await page.reload();
  await page.getByLabel('Admin username').fill(ADMIN.username);
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Password again').fill('short');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.locator('.field-error', { hasText: 'At least 10 characters.' }).waitFor();
  await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
  await page.getByLabel('Password again').fill(ADMIN.password);
  await screenshot(page, 'setup-2-admin');
  await page.getByRole('button', { name: 'Next' }).click();

  await page.getByLabel('Site name').fill('Corner shop');
  const tz = page.getByLabel('Timezone');
  await tz.fill('Europe/Nowhere');
  await page.locator('.field-error', { hasText: 'Pick a timezone from the list.' }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Create the admin and continue' }).isDisabled(), true);
  await tz.fill('Europe/Berlin');
  const listId = await tz.getAttribute('list');
  assert.equal(await page.locator(`datalist[id="${listId}"] option[value="Europe/Berlin"]`).count(), 1, 'the searchable list has the zone');
  await screenshot(page, 'setup-3-site');
  await page.getByRole('button', { name: 'Create the admin and continue' }).click();

  // Camera step: the admin exists and is signed in now.
  await page.getByLabel('Camera name').waitFor({ timeout: 30_000 });
  const status = await (await context.request.get('/api/v1/setup')).json();
  assert.equal(status.needsSetup, false);
  assert.equal(status.site.timezone, 'Europe/Berlin');
  await page.reload();
  await page.getByLabel('Camera name').waitFor({ timeout: 30_000 });
  await page.getByLabel('Camera name').fill('Front door');
  await page.getByLabel('Camera address').fill(`file://${clipPath}`);
  await page.getByRole('button', { name: 'Add camera' }).click();
  // Test connection runs by itself once the camera is added: size, codec and decoder, then a picture.
  await page.getByText(/Connected: \d+×\d+/).waitFor({ timeout: 90_000 });
  await page.locator('img.snapshot').waitFor({ timeout: 90_000 });
  await screenshot(page, 'setup-4-camera');
  assert.deepEqual(await seriousViolations(page), []);
  await page.getByRole('button', { name: 'Next' }).click();

  // Cloud: a bad URL is refused where it was typed.
  await page.getByLabel('HQ address').fill('ftp://hq.example');
  await page.getByLabel('Claim code').fill('ABCD-1234');
  await page.getByRole('button', { name: 'Save and claim' }).click();
  await page.getByRole('alert').waitFor();
  assert.match(await page.getByRole('alert').innerText(), /url/i);
  // A real claim attempt against an address where no HQ listens: the page says so instead of "claimed".
  await page.getByLabel('HQ address').fill('http://127.0.0.1:9');
  await page.getByRole('button', { name: 'Save and claim' }).click();
  await page.getByText('HQ does not answer (retrying)').waitFor({ timeout: 60_000 });
  const link = await (await context.request.get('/api/v1/setup/cloud')).json();
  assert.equal(link.state, 'offline');
  await screenshot(page, 'setup-5-cloud');
  await page.getByRole('button', { name: 'Next' }).click();
  await page.getByRole('heading', { name: 'All set' }).waitFor();
  await page.getByRole('button', { name: 'Open the overview' }).click();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
  await page.getByRole('link', { name: 'Front door' }).waitFor();

  const cams = await (await context.request.get('/api/v1/cameras')).json();
  assert.deepEqual(cams.items.map((c: any) => [c.config.id, c.config.name]), [['front-door', 'Front door']]);
  // A reload now opens the shell, not the wizard: set-up is finished.
  await page.reload();
  await page.getByRole('heading', { name: 'Overview' }).waitFor();
}
