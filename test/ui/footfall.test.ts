// Footfall on the appliance's page, in Debian's chromium against a real appliance watching the shared clip: no
// tile and an explained empty report while no camera counts persons; once the camera analyses both faces and
// persons with a zone over the frame, the Overview's tile and the Reports page's in/out figures equal the API.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { screenshot, seriousViolations, signedInSuite, until } from './harness.js';

describe('footfall on the appliance page, in a real browser', () => {
  const app = signedInSuite({ camera: true });

  const statOf = (scope: ReturnType<Page['locator']>, label: string) =>
    scope.locator('.stat', { has: app.page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value');
  const pct = (r: number | null) => (r === null ? '—' : `${Math.round(100 * r)} %`);

  it('shows no footfall tile and an explained empty report while no camera counts persons', { timeout: 120_000 }, async () => {
    assert.equal((await app.call('GET', '/cameras/door')).body.config.analyse, 'faces');
    await app.page.goto('/');
    await app.page.locator('.live img').first().waitFor({ timeout: 60_000 });
    assert.equal(await app.page.getByRole('region', { name: 'Footfall' }).count(), 0);
    await app.page.goto('/reports');
    const card = app.page.getByRole('region', { name: 'Footfall (people counted in and out)' });
    await card.getByText('No camera counts people.', { exact: false }).waitFor({ timeout: 60_000 });
  });

  it('counts people once the camera analyses persons: the tile and the report equal the API', { timeout: 300_000 }, async () => {
    const zones = [{ id: 'floor', name: 'Floor', polygon: [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 1, y: 1 }, { x: 0, y: 1 }] }];
    const patched = await app.call('PATCH', '/cameras/door', { analyse: 'both', zones });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await until('people counted', async () => (await app.call('GET', '/footfall')).body.entriesToday > 0, 240_000);

    await app.page.goto('/');
    const tile = app.page.getByRole('region', { name: 'Footfall' });
    await tile.locator('.stat').first().waitFor({ timeout: 60_000 });
    await until('the tile equals GET /footfall', async () => {
      await app.page.reload();
      await tile.locator('.stat').first().waitFor({ timeout: 30_000 });
      const c = (await app.call('GET', '/footfall')).body;
      const shown = [await statOf(tile, 'People in today').innerText(), await statOf(tile, 'People inside now').innerText(), await statOf(tile, 'Faces captured of those entering').innerText()];
      return JSON.stringify(shown) === JSON.stringify([c.entriesToday.toLocaleString('en-US'), c.occupancyNow.toLocaleString('en-US'), pct(c.captureRateToday)]);
    }, 90_000);
    assert.deepEqual(await seriousViolations(app.page), []);
    await screenshot(app.page, 'overview-footfall');

    await app.page.goto('/reports');
    await app.page.getByRole('button', { name: 'Today' }).click();
    const card = app.page.getByRole('region', { name: 'Footfall (people counted in and out)' });
    await card.locator('.chart canvas').waitFor({ timeout: 60_000 });
    await card.getByText('People in and out by hour').first().waitFor();
    await until('the report card equals GET /reports/footfall', async () => {
      // Choosing the same range again loads nothing new: reload, then choose today.
      await app.page.reload();
      await app.page.getByRole('button', { name: 'Today' }).click();
      await card.getByText('People in and out by hour').first().waitFor({ timeout: 30_000 });
      const from = await app.page.getByLabel('From').inputValue();
      const day = 24 * 3600_000;
      const r = (await app.call('GET', `/reports/footfall?from=${new Date(Date.now() - 2 * day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`)).body;
      const today = r.byDay.find((d: { date: string }) => d.date === from);
      if (!today) return false;
      return (await statOf(card, 'In').innerText()) === today.entries.toLocaleString('en-US') && (await statOf(card, 'Out').innerText()) === today.exits.toLocaleString('en-US');
    }, 90_000);
    assert.deepEqual(await seriousViolations(app.page), []);
    await screenshot(app.page, 'reports-footfall');
  });

  it("edits the camera's analysis, counting lines and zones on its page, drawn over the snapshot", { timeout: 180_000 }, async () => {
    await app.page.goto('/cameras/door');
    const editor = app.page.getByRole('form', { name: 'Counting people (footfall)' });
    await editor.waitFor({ timeout: 60_000 });
    const drawing = app.page.getByRole('img', { name: /Counting lines/ });
    assert.equal(await drawing.locator('polygon').count(), 1, 'the zone set by the previous test is drawn');
    await editor.getByLabel('What this camera analyses').selectOption('persons');
    await editor.getByRole('button', { name: 'Add line' }).click();
    const line = editor.getByRole('group', { name: 'Line 1' });
    await line.getByLabel('Name').fill('Entrance');
    await line.getByLabel('Points (x,y …)').fill('0.1,0.6 0.9,0.6');
    await line.getByLabel('Inside is on the').selectOption('left');
    await until('the line is drawn', async () => (await drawing.locator('polyline').getAttribute('points')) === '0.1,0.6 0.9,0.6', 10_000);
    await editor.getByRole('button', { name: 'Save counting' }).click();
    await app.page.getByText('Counting saved.').waitFor();
    let config = (await app.call('GET', '/cameras/door')).body.config;
    assert.equal(config.analyse, 'persons');
    assert.deepEqual(config.lines, [{ id: 'line-1', name: 'Entrance', points: [{ x: 0.1, y: 0.6 }, { x: 0.9, y: 0.6 }], inSide: 'left', door: null }]);
    assert.equal(config.zones.length, 1);
    await app.page.locator('.counting-preview img').evaluate((img: HTMLImageElement) => img.decode().catch(() => undefined));
    assert.deepEqual(await seriousViolations(app.page), []);
    await screenshot(app.page, 'camera-counting');

    // A point outside the frame is refused where it was typed, and nothing changes.
    await editor.getByRole('group', { name: 'Zone 1' }).getByLabel('Corners (x,y …)').fill('0,0 1.5,0 1,1');
    await editor.getByRole('button', { name: 'Save counting' }).click();
    await editor.getByRole('alert').waitFor();
    assert.match(await editor.getByRole('alert').innerText(), /zones/);
    assert.deepEqual((await app.call('GET', '/cameras/door')).body.config.zones, config.zones);

    // Removing the zone saves the camera without it.
    await editor.getByRole('button', { name: 'Remove zone' }).click();
    await editor.getByRole('button', { name: 'Save counting' }).click();
    await until('the zone is gone', async () => (await app.call('GET', '/cameras/door')).body.config.zones.length === 0, 30_000);
    config = (await app.call('GET', '/cameras/door')).body.config;
    assert.equal(config.lines.length, 1);
    assert.equal(await drawing.locator('polygon').count(), 0);
  });
});
