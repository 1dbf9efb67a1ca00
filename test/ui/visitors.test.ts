// Who the box recognised and unidentified visits, in Debian's chromium against a real appliance watching the
// shared clip: the Reports page's identified / customer / staff / unidentified block equals the report API,
// and the Visits page filters by kind "unidentified".
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, seriousViolations, signedInSuite, until } from './harness.js';

describe('visitors the box recognised, in a real browser', () => {
  const app = signedInSuite({ camera: true });

  /** Today's local report, as the page asks for it (from a day back to a day ahead covers the site's today). */
  const report = async () => {
    const day = 24 * 3600_000;
    const r = await app.call('GET', `/reports/local?from=${new Date(Date.now() - day).toISOString()}&to=${new Date(Date.now() + day).toISOString()}`);
    assert.equal(r.status, 200);
    return r.body;
  };

  it('the Reports page shows identified, customer, staff and unidentified visitors and the share recognised', { timeout: 240_000 }, async () => {
    await until('the clip made visits', async () => (await report()).visitors.identified > 0, 200_000);
    await app.page.goto('/reports');
    await app.page.getByRole('button', { name: 'Today' }).click();
    const block = app.page.getByRole('region', { name: 'Who the box recognised' });
    await block.locator('.stat').first().waitFor({ timeout: 60_000 });
    const stat = async (label: string) => (await block.locator('.stat', { has: app.page.locator('.label', { hasText: new RegExp(`^${label}$`) }) }).locator('.value').innerText()).trim();
    // Visits keep arriving while the clip loops: read the page, then the API, until both say the same.
    await until('the block equals the report API', async () => {
      // Choosing the same range again loads nothing new: reload the page (its 7 days hold only today's visits).
      await app.page.reload();
      await block.locator('.stat').first().waitFor({ timeout: 30_000 });
      const v = (await report()).visitors;
      const total = v.identified + v.unidentified;
      const shown = [await stat('Identified'), await stat('Customers'), await stat('Staff'), await stat('Unidentified'), await stat('Share recognised')];
      const expected = [v.identified, v.customer, v.staff, v.unidentified].map((n: number) => n.toLocaleString('en-US'));
      expected.push(`${Math.round((100 * v.identified) / total)} %`);
      return JSON.stringify(shown) === JSON.stringify(expected);
    }, 60_000);
    assert.deepEqual(await seriousViolations(app.page), []);
    await screenshot(app.page, 'reports-recognised');
    // A range without visits shows no invented share.
    await app.page.getByLabel('From').fill('2020-01-01');
    await app.page.getByLabel('To (inclusive)').fill('2020-01-02');
    await app.page.getByText('No visit in this range yet').waitFor();
    assert.equal(await block.count(), 0);
  });

  it('the Visits page filters unidentified visits and labels them', { timeout: 120_000 }, async () => {
    await app.page.goto('/visits');
    const who = app.page.getByLabel('Who');
    // The page renders its filters once the lazy route has loaded: wait for them, never read too early.
    await who.locator('option').last().waitFor({ state: 'attached' });
    const options = await who.locator('option').allInnerTexts();
    assert.deepEqual(options, ['Everyone', 'Customers', 'Staff', 'Unidentified']);
    await who.selectOption('unidentified');
    await app.page.waitForLoadState('networkidle').catch(() => undefined);
    await until('the list settled', async () => (await app.page.locator('.loading').count()) === 0, 30_000);
    const unidentified = (await app.call('GET', '/visits?kind=unidentified&limit=500')).body.items;
    if (unidentified.length === 0) {
      await app.page.getByText('No visit matches these filters.').waitFor();
    } else {
      const rows = app.page.locator('table tbody tr');
      await rows.first().waitFor();
      for (const text of await rows.allInnerTexts()) assert.match(text, /U-\S+\s+unidentified/);
    }
    await screenshot(app.page, 'visits-unidentified');
    // Customers never carry the unidentified label.
    await who.selectOption('customer');
    await until('customers listed', async () => {
      const texts = await app.page.locator('table tbody tr').allInnerTexts();
      return texts.length > 0 && texts.every((t) => /C-\d{6}/.test(t));
    }, 60_000);
    for (const text of await app.page.locator('table tbody tr').allInnerTexts()) assert.doesNotMatch(text, /unidentified/);
  });
});
