// Every page of the appliance in Debian's chromium against a real appliance watching the shared clip:
// sign-in (wrong password, lockout), the live overview, visits with CSV, reports with real charts, what
// a viewer is (not) offered, a restart that keeps the browser signed in, axe-core on every page, and
// screenshots of every page at desktop and phone size.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ADMIN, adminApi, ApplianceProcess, DESKTOP, launchBrowser, newContext, PHONE, screenshot, seriousViolations, setUpByApi, signIn, until } from './harness.js';

/** The appliance's pages (path, heading, screenshot name); ui-api's pages are added when the nav has them. */
const PAGES: Array<{ path: string; heading: string; name: string; ready?: string }> = [
  { path: '/', heading: 'Overview', name: 'overview', ready: '.live img' },
  { path: '/cameras', heading: 'Cameras', name: 'cameras' },
  { path: '/cameras/door', heading: 'Door', name: 'camera-detail' },
  { path: '/visits', heading: 'Visits', name: 'visits' },
  { path: '/reports', heading: 'Reports', name: 'reports', ready: '.chart canvas' },
  { path: '/settings', heading: 'Settings', name: 'settings' },
  { path: '/system', heading: 'System', name: 'system', ready: '.chart canvas' },
  { path: '/users', heading: 'Users and tokens', name: 'users' },
  { path: '/staff', heading: 'Staff', name: 'staff' },
  { path: '/customers', heading: 'Customers', name: 'customers' },
  { path: '/review', heading: 'Review', name: 'review' },
];

describe('the appliance page in a real browser', () => {
  let app: ApplianceProcess;
  let browser: Browser;
  let call: Awaited<ReturnType<typeof adminApi>>;
  let admin: BrowserContext;
  let page: Page;

  before(async () => {
    app = await ApplianceProcess.start({ camera: true, supervise: true });
    await setUpByApi(app);
    call = await adminApi(app);
    browser = await launchBrowser();
    admin = await newContext(browser, app);
    page = await admin.newPage();
  });
  after(async () => {
    await browser?.close();
    await app?.close();
  });

  it('signs in: a wrong password is refused, a locked account is explained', { timeout: 120_000 }, async () => {
    assert.equal((await call('POST', '/users', { username: 'bob', password: 'bob-password-123', role: 'manager' })).status, 201);
    const ctx = await newContext(browser, app);
    const p = await ctx.newPage();
    await p.goto('/');
    await p.getByRole('heading', { name: 'Sign in' }).waitFor();
    assert.deepEqual(await seriousViolations(p), []);
    await screenshot(p, 'sign-in');
    await p.getByLabel('Username').fill('bob');
    await p.getByLabel('Password').fill('not his password');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').filter({ hasText: 'wrong username or password' }).waitFor();
    for (let i = 0; i < 5; i++) await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').filter({ hasText: /locked for about \d+ minute/ }).waitFor({ timeout: 30_000 });
    await screenshot(p, 'sign-in-locked');
    // Even the right password waits until the lock ends.
    await p.getByLabel('Password').fill('bob-password-123');
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('alert').filter({ hasText: /locked/ }).waitFor();
    assert.equal(await p.getByRole('navigation', { name: 'main' }).count(), 0);
    await ctx.close();

    await signIn(page);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
  });

  it('shows the shop live: the camera tile streams and arrivals appear with a face crop', { timeout: 180_000 }, async () => {
    await page.goto('/');
    const tile = page.locator('.live img').first();
    await tile.waitFor({ timeout: 60_000 });
    await until('the live view shows frames', async () => (await tile.evaluate((img: HTMLImageElement) => img.naturalWidth)) > 0, 90_000);
    await page.locator('.feed li').first().waitFor({ timeout: 120_000 });
    await until('a face crop in the feed', async () => (await page.locator('.feed li img.thumb').count()) > 0, 120_000);
    // A customer by their id; an unidentified visitor by what they are, never by a track id.
    await until('a customer in the feed', async () => (await page.locator('.feed li').allInnerTexts()).some((t) => /C-\d{6}/.test(t)), 120_000);
    for (const text of await page.locator('.feed li').allInnerTexts()) assert.doesNotMatch(text, /U-door/);
    await page.getByText('live', { exact: true }).waitFor();
  });

  it('lists visits with filters and downloads them as CSV', { timeout: 120_000 }, async () => {
    await page.goto('/visits');
    await page.locator('table tbody tr').first().waitFor({ timeout: 60_000 });
    assert.match(await page.locator('table tbody tr').first().innerText(), /C-\d{6}/);
    await page.getByLabel('Who').selectOption('staff');
    await page.getByText('No visit matches these filters.').waitFor();
    await page.getByLabel('Who').selectOption('customer');
    await page.locator('table tbody tr').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    assert.equal(download.suggestedFilename(), 'visits.csv');
    const csv = await readFile((await download.path())!, 'utf8');
    const lines = csv.trim().split('\n');
    assert.match(lines[0], /personId/);
    assert.ok(lines.length >= 2, 'at least one visit row');
    assert.ok(lines.slice(1).every((l) => l.includes('customer')));
  });

  it('reports draw real charts from the visits', { timeout: 120_000 }, async () => {
    await page.goto('/reports');
    await page.getByRole('heading', { name: 'Reports' }).waitFor();
    await page.getByRole('button', { name: 'Today' }).click();
    await page.locator('.chart canvas').first().waitFor({ timeout: 60_000 });
    const points = await page.locator('.chart[data-points]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-points'))));
    assert.ok(points.length >= 3 && points.every((n) => n > 0), `charts with data: ${points}`);
    // The weekday × hour heatmap shades the hour the clip's visitors arrived.
    assert.ok((await page.locator('.heatmap .cell[style*="background"]').count()) >= 1);
    const visits = Number((await page.locator('.stat', { hasText: 'Customer visits' }).locator('.value').innerText()).replace(/\D/g, ''));
    assert.ok(visits >= 1);
    // A range without visits says so instead of drawing zeros.
    await page.getByLabel('From').fill('2020-01-01');
    await page.getByLabel('To (inclusive)').fill('2020-01-02');
    await page.getByText('No visit in this range yet').waitFor();
  });

  it('every page passes axe-core (no serious or critical violation) and is screenshotted at desktop and phone size', { timeout: 300_000 }, async () => {
    const nav = await page.getByRole('navigation', { name: 'main' }).getByRole('link').allInnerTexts();
    const pages = PAGES.filter((p) => p.path.startsWith('/cameras/') || nav.includes(p.heading) || p.path === '/');
    for (const viewport of [DESKTOP, PHONE]) {
      await page.setViewportSize(viewport);
      for (const p of pages) {
        await page.goto(p.path);
        await page.getByRole('heading', { name: p.heading, exact: true }).first().waitFor({ timeout: 30_000 });
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await until(`${p.path} finished loading`, async () => (await page.locator('.loading').count()) === 0, 30_000);
        // Live charts need a second sample (5 s apart) before they draw.
        if (p.ready) await page.locator(p.ready).first().waitFor({ timeout: 30_000 });
        if (viewport === DESKTOP) assert.deepEqual(await seriousViolations(page), [], `axe on ${p.path}`);
        await screenshot(page, `${p.name}${viewport === PHONE ? '-phone' : ''}`);
      }
    }
    await page.setViewportSize(DESKTOP);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto('/reports');
    await page.locator('.chart canvas').first().waitFor({ timeout: 60_000 });
    assert.deepEqual(await seriousViolations(page), [], 'axe in dark mode');
    await screenshot(page, 'reports-dark');
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('adds a camera, tests it (a clear error for a dead address), edits and removes it', { timeout: 180_000 }, async () => {
    await page.goto('/cameras');
    await page.getByRole('button', { name: 'Add camera' }).click();
    const form = page.getByRole('form', { name: 'Add camera' });
    await form.getByLabel('Camera name').fill('Back door');
    await form.getByLabel('Camera address').fill('rtsp://127.0.0.1:9/nothing');
    await form.getByRole('button', { name: 'Save' }).click();
    const row = page.locator('tr', { hasText: 'Back door' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Test' }).click();
    await page.getByText(/The camera did not answer: .+/).waitFor({ timeout: 120_000 });
    await row.getByRole('button', { name: 'Edit' }).click();
    const edit = page.getByRole('form', { name: 'Edit' });
    await edit.getByLabel('Camera name').fill('Back entrance');
    await edit.getByRole('button', { name: 'Save' }).click();
    const renamed = page.locator('tr', { hasText: 'Back entrance' });
    await renamed.waitFor();
    assert.equal((await call('GET', '/cameras/back-door')).body.config.name, 'Back entrance');
    await renamed.getByRole('button', { name: 'Remove' }).click();
    await renamed.getByRole('button', { name: 'Yes' }).click();
    await until('the camera is gone', async () => (await call('GET', '/cameras/back-door')).status === 404, 30_000);
    await until('the row is gone', async () => (await page.locator('tr', { hasText: 'Back entrance' }).count()) === 0, 30_000);
  });

  it('admins manage users and tokens on the page: the token is shown once, then revoked', { timeout: 120_000 }, async () => {
    await page.goto('/users');
    const addUser = page.getByRole('form', { name: 'Add user' });
    await addUser.getByLabel('Username').fill('carol');
    await addUser.getByLabel('Password').fill('carol-password-123');
    await addUser.getByLabel('Role').selectOption('manager');
    await addUser.getByRole('button', { name: 'Add user' }).click();
    const row = page.locator('tr', { hasText: 'carol' });
    await row.waitFor();
    await row.getByRole('combobox').selectOption('viewer');
    await until('carol is a viewer', async () => (await call('GET', '/users')).body.items.find((u: any) => u.username === 'carol')?.role === 'viewer');
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByText('disabled').waitFor();
    const tokens = page.getByRole('form', { name: 'Create token' });
    await tokens.getByLabel('Name').fill('home-assistant');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('new-token').innerText()).trim();
    const withToken = await fetch(`${app.url}/api/v1/visits?limit=1`, { headers: { authorization: `Bearer ${secret}` } });
    assert.equal(withToken.status, 200);
    const tokenRow = page.locator('tr', { hasText: 'home-assistant' });
    await tokenRow.getByRole('button', { name: 'Revoke' }).click();
    await tokenRow.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('No API token.').waitFor();
    assert.equal((await fetch(`${app.url}/api/v1/visits?limit=1`, { headers: { authorization: `Bearer ${secret}` } })).status, 401);
  });

  it('settings say which changes need a restart, and a bad value is refused where it was typed', { timeout: 120_000 }, async () => {
    await page.goto('/settings');
    const recognition = page.getByRole('form', { name: 'Recognition' });
    await recognition.getByLabel('Smallest face that may identify (pixels)').fill('48');
    await recognition.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    assert.equal(await page.getByText(/These changes take effect after a restart/).count(), 0, 'recognition gates apply live');
    assert.equal((await call('GET', '/settings')).body.settings.recognition.minFaceSize, 48);
    const mqtt = page.getByRole('form', { name: 'MQTT' });
    await mqtt.getByLabel('Base topic').fill('shop one');
    await mqtt.getByRole('button', { name: 'Save' }).click();
    await mqtt.getByRole('alert').waitFor();
    assert.match(await mqtt.getByRole('alert').innerText(), /baseTopic/);
    assert.equal((await call('GET', '/settings')).body.settings.mqtt.baseTopic, 'cva', 'nothing changed');
    await mqtt.getByLabel('Base topic').fill('shop1');
    await mqtt.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/These changes take effect after a restart: mqtt/).waitFor();
    await page.getByRole('button', { name: 'Restart the appliance' }).waitFor();
    await screenshot(page, 'settings-restart-needed');
  });

  it('a viewer is offered no write action', { timeout: 120_000 }, async () => {
    assert.equal((await call('POST', '/users', { username: 'vera', password: 'vera-password-123', role: 'viewer' })).status, 201);
    const ctx = await newContext(browser, app);
    const p = await ctx.newPage();
    await signIn(p, 'vera', 'vera-password-123');
    const nav = await p.getByRole('navigation', { name: 'main' }).getByRole('link').allInnerTexts();
    assert.deepEqual(nav, ['Overview', 'Cameras', 'Visits', 'Reports', 'System']);
    await p.goto('/cameras');
    await p.locator('table tbody tr').first().waitFor();
    for (const name of ['Add camera', 'Edit', 'Test', 'Remove']) assert.equal(await p.getByRole('button', { name }).count(), 0, name);
    await p.goto('/visits');
    await p.locator('table tbody tr').first().waitFor({ timeout: 60_000 });
    assert.equal(await p.getByRole('link', { name: 'Download CSV' }).count(), 0);
    await p.goto('/system');
    await p.getByRole('heading', { name: 'Health' }).waitFor();
    assert.equal(await p.getByRole('button', { name: /Restart/ }).count(), 0);
    assert.equal(await p.getByRole('heading', { name: 'Audit log' }).count(), 0);
    // A page the role may not open is explained, not blank.
    await p.goto('/users');
    await p.getByRole('heading', { name: 'Not for your role' }).waitFor();
    await screenshot(p, 'viewer-forbidden');
    await ctx.close();
  });

  it('a restart from the System page keeps the browser signed in', { timeout: 300_000 }, async () => {
    const pidBefore = app.pid();
    await page.goto('/system');
    await page.getByRole('button', { name: 'Restart the appliance' }).click();
    await page.getByRole('button', { name: 'Yes' }).click();
    await page.getByText('The appliance is back.').waitFor({ timeout: 240_000 });
    assert.notEqual(app.pid(), pidBefore, 'a new appliance process answers');
    assert.equal(app.starts, 2);
    await page.reload();
    await page.getByRole('heading', { name: 'System' }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByRole('heading', { name: 'Sign in' }).count(), 0);
    const me = await page.request.get('/api/v1/auth/me');
    assert.equal(me.status(), 200);
    assert.equal((await me.json()).actor.name, ADMIN.username);
  });
});
