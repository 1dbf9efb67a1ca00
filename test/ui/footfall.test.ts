// Footfall on the appliance's page, in Debian's chromium against a real appliance watching the shared clip: no
// tile and an explained empty report while no camera counts persons; once the camera analyses both faces and
// persons with a zone over the frame, the Overview's tile and the Reports page's in/out figures equal the API.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { join } from 'node:path';
import { screensDir, screenshot, seriousViolations, signedInSuite, until } from './harness.js';

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

  it("draws a line and a zone on the camera's snapshot with the mouse, edits and deletes them, and saves them with a door", { timeout: 180_000 }, async () => {
    await app.page.goto('/cameras/door');
    const editor = app.page.getByRole('form', { name: 'Counting people (footfall)' });
    await editor.waitFor({ timeout: 60_000 });
    const drawing = app.page.getByRole('img', { name: /Counting lines/ });
    assert.equal(await drawing.locator('polygon').count(), 1, 'the zone set by the previous test is drawn');
    await app.page.locator('.counting-preview img').evaluate((img: HTMLImageElement) => img.decode().catch(() => undefined));
    // The mouse works in the viewport: bring the whole picture into it (again after typing in a field below it).
    let box = { x: 0, y: 0, width: 0, height: 0 };
    const inView = async () => {
      await drawing.scrollIntoViewIfNeeded();
      box = (await drawing.boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= 860, `the picture is in the viewport: ${JSON.stringify(box)}`);
    };
    await inView();
    const at = (x: number, y: number) => [box.x + x * box.width, box.y + y * box.height] as const;
    const dragFrom = async (from: readonly [number, number], to: readonly [number, number]) => {
      await app.page.mouse.move(...from);
      await app.page.mouse.down();
      await app.page.mouse.move(...to, { steps: 8 });
      await app.page.mouse.up();
    };
    const pointsIn = async (group: string, label: string) =>
      (await editor.getByRole('group', { name: group }).getByLabel(label).inputValue()).split(' ').map((pair) => pair.split(',').map(Number));
    const near = (got: number[][], want: number[][]) => got.length === want.length && got.every((p, i) => Math.abs(p[0] - want[i][0]) < 0.006 && Math.abs(p[1] - want[i][1]) < 0.006);

    await editor.getByLabel('What this camera analyses').selectOption('persons');
    // A directed line: drag from its first point to its last; its fields fill in.
    const tools = app.page.getByRole('toolbar', { name: 'Drawing on the picture' });
    await tools.getByRole('button', { name: 'Draw a line' }).click();
    await dragFrom(at(0.1, 0.6), at(0.9, 0.6));
    const line = editor.getByRole('group', { name: 'Line 1' });
    await line.waitFor();
    const first = await pointsIn('Line 1', 'Points (x,y …)');
    assert.ok(near(first, [[0.1, 0.6], [0.9, 0.6]]), JSON.stringify(first));
    // Walking left to right, "right" (the default inside) is down the picture: the arrow marked "in" points down.
    const arrowY = async () => Number(await drawing.locator('.inside circle').getAttribute('cy'));
    const lineY = 0.6 * Number((await drawing.getAttribute('viewBox'))!.split(' ')[3]);
    assert.ok((await arrowY()) > lineY, 'inside (right) is below the line');
    await line.getByLabel('Name').fill('Entrance');
    await line.getByLabel('Inside is on the').selectOption('left');
    assert.ok((await arrowY()) < lineY, 'inside (left) is above the line');
    await line.getByLabel('Door').fill('main');
    // The drawn line is selected: drag its last point's handle down.
    await inView();
    await dragFrom(at(0.9, 0.6), at(0.9, 0.7));
    const moved = await pointsIn('Line 1', 'Points (x,y …)');
    assert.ok(near(moved, [[0.1, 0.6], [0.9, 0.7]]), JSON.stringify(moved));

    // A zone: click its corners, then its first corner again to close it.
    await tools.getByRole('button', { name: 'Draw a zone' }).click();
    await inView();
    const corners: Array<[number, number]> = [[0.2, 0.15], [0.6, 0.15], [0.6, 0.45], [0.2, 0.45]];
    for (const [x, y] of corners) await app.page.mouse.click(...at(x, y));
    await app.page.mouse.click(...at(0.2, 0.15));
    await editor.getByRole('group', { name: 'Zone 2' }).waitFor();
    assert.ok(near(await pointsIn('Zone 2', 'Corners (x,y …)'), corners), 'the zone has the four clicked corners');
    assert.equal(await drawing.locator('polygon').count(), 2);
    await app.page.locator('.counting-preview').screenshot({ path: join(screensDir, 'camera-counting-drawing.png') });

    // Select the old whole-picture zone by clicking where only it is, and delete it.
    await inView();
    await app.page.mouse.click(...at(0.85, 0.25));
    await tools.getByRole('button', { name: 'Delete Floor' }).click();
    await until('the whole-picture zone is gone', async () => (await drawing.locator('polygon').count()) === 1, 5_000);
    assert.equal(await editor.getByRole('group', { name: 'Zone 2' }).count(), 0, 'the drawn zone is now Zone 1');

    await editor.getByRole('button', { name: 'Save counting' }).click();
    await app.page.getByText('Counting saved.').waitFor();
    let config = (await app.call('GET', '/cameras/door')).body.config;
    assert.equal(config.analyse, 'persons');
    assert.equal(config.lines.length, 1);
    assert.deepEqual({ ...config.lines[0], points: undefined }, { id: 'line-1', name: 'Entrance', inSide: 'left', door: 'main', points: undefined });
    assert.ok(near(config.lines[0].points.map((p: { x: number; y: number }) => [p.x, p.y]), [[0.1, 0.6], [0.9, 0.7]]));
    assert.equal(config.zones.length, 1);
    assert.equal(config.zones[0].id, 'zone-2');
    assert.ok(near(config.zones[0].polygon.map((p: { x: number; y: number }) => [p.x, p.y]), corners));
    // Select the line to show its handles in the picture of the page.
    await inView();
    await app.page.mouse.click(...at(0.5, 0.65));
    assert.deepEqual(await seriousViolations(app.page), []);
    await screenshot(app.page, 'camera-counting');

    // A point outside the frame is refused where it was typed, and nothing changes.
    await editor.getByRole('group', { name: 'Zone 1' }).getByLabel('Corners (x,y …)').fill('0,0 1.5,0 1,1');
    await editor.getByRole('button', { name: 'Save counting' }).click();
    await editor.getByRole('alert').waitFor();
    assert.match(await editor.getByRole('alert').innerText(), /zones/);
    assert.deepEqual((await app.call('GET', '/cameras/door')).body.config.zones, config.zones);

    // Removing the zone with its button (the keyboard way) saves the camera without it.
    await editor.getByRole('button', { name: 'Remove zone' }).click();
    await editor.getByRole('button', { name: 'Save counting' }).click();
    await until('the zone is gone', async () => (await app.call('GET', '/cameras/door')).body.config.zones.length === 0, 30_000);
    config = (await app.call('GET', '/cameras/door')).body.config;
    assert.equal(config.lines.length, 1);
    assert.equal(await drawing.locator('polygon').count(), 0);
  });
});
