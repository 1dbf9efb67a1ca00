// Defect 1: a bad timezone must never brick the box. Every setting is checked by the one Settings schema
// (PATCH /settings as well as set-up), and a settings file that no longer validates is repaired at start.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Appliance } from '../../device/src/appliance.js';
import { defaultSettings, Settings } from '../../device/src/contracts/settings.js';
import { ApplianceStore } from '../../device/src/store/appliance-store.js';
import type { DocumentRepairReport } from '../../device/src/store/json-document.js';
import { createLogger } from '../../device/src/util/log.js';
import { adminSuite } from '../http/harness.js';

describe('settings: one schema everywhere', () => {
  const s = adminSuite();

  it('PATCH /settings refuses an unknown timezone and changes nothing', async () => {
    const before = (await s.admin.json('GET', '/api/v1/settings')).body.settings;
    const r = await s.admin.json('PATCH', '/api/v1/settings', { site: { timezone: 'Mars/Olympus' } });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(JSON.stringify(r.body.error.details), /site\.timezone/);
    assert.deepEqual((await s.admin.json('GET', '/api/v1/settings')).body.settings, before);
    const good = await s.admin.json('PATCH', '/api/v1/settings', { site: { timezone: 'America/Argentina/Buenos_Aires' } });
    assert.equal(good.status, 200);
  });

  it('the site route and the settings route accept the same zones', async () => {
    for (const tz of ['Etc/GMT+5', 'Asia/Calcutta', 'UTC']) {
      assert.equal((await s.admin.json('PATCH', '/api/v1/settings', { site: { timezone: tz } })).status, 200, tz);
      assert.equal((await s.admin.json('PATCH', '/api/v1/setup/site', { timezone: tz })).status, 200, tz);
    }
    assert.equal((await s.admin.json('PATCH', '/api/v1/setup/site', { timezone: 'Mars/Olympus' })).status, 400);
  });
});

describe('settings: a file the box cannot use', () => {
  const badFile = {
    site: { name: 'Kept name', timezone: 'Mars/Olympus' },
    visitGapMinutes: 45,
    cameras: [
      { id: 'good', name: 'Good', url: 'rtsp://10.0.0.2/stream', enabled: false },
      { id: 'bad', name: 'Bad', url: 'gopher://x' },
    ],
  };

  it('drops only the wrong values, keeps the rest and the original file, and says what was wrong', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-settings-'));
    try {
      await writeFile(join(dir, 'settings.json'), JSON.stringify(badFile));
      const store = await ApplianceStore.open({ dir });
      const reports: DocumentRepairReport[] = [];
      const doc = await store.document('settings', Settings, defaultSettings(), { repair: (r) => reports.push(r) });
      assert.equal(doc.data.site.timezone, 'UTC');
      assert.equal(doc.data.site.name, 'Kept name');
      assert.equal(doc.data.visitGapMinutes, 45);
      assert.deepEqual(doc.data.cameras.map((c) => [c.id, c.enabled]), [['good', false]]);
      assert.equal(reports.length, 1);
      assert.ok(reports[0].dropped!.some((d) => d.path.startsWith('cameras.1')));
      assert.ok(reports[0].dropped!.some((d) => d.path === 'site.timezone'));
      assert.deepEqual(JSON.parse(await readFile(reports[0].rejectedCopy, 'utf8')), badFile);
      // The repaired file is what the next start reads: valid as it is.
      assert.ok(Settings.safeParse(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).success);
      // Without the repair option the same file is still a typed error (other documents keep refusing).
      await writeFile(join(dir, 'strict.json'), JSON.stringify(badFile));
      await assert.rejects(store.document('strict', Settings, defaultSettings()), /do not validate/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a settings file that is not JSON at all: defaults, original kept', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-settings-'));
    try {
      await writeFile(join(dir, 'settings.json'), '{"site": {"timezone": ');
      const store = await ApplianceStore.open({ dir });
      const reports: DocumentRepairReport[] = [];
      const doc = await store.document('settings', Settings, defaultSettings(), { repair: (r) => reports.push(r) });
      assert.deepEqual(doc.data, defaultSettings());
      assert.equal(reports[0].dropped, null);
      assert.equal(await readFile(reports[0].rejectedCopy, 'utf8'), '{"site": {"timezone": ');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the whole appliance starts on the bad file, serves reports and logs the problem', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-settings-app-'));
    const errors: string[] = [];
    const base = createLogger('settings-test');
    const log = { ...base, error: (m: string) => errors.push(m), child: () => base } as typeof base;
    await writeFile(join(dir, 'settings.json'), JSON.stringify(badFile));
    const app = await Appliance.create({ dir, httpPort: 0, mqttPort: 0, log, env: {} });
    await app.start();
    try {
      assert.ok(errors.some((l) => /site\.timezone: unknown IANA timezone/.test(l) && /original is kept/.test(l)), errors.join('\n'));
      assert.equal(app.parts.settings.get().site.timezone, 'UTC');
      const health = await fetch(`${app.parts.http.url()}/api/v1/health`);
      assert.equal(health.status, 200);
      assert.ok((await readdir(dir)).some((f) => f.startsWith('settings.json.rejected-')));
    } finally {
      await app.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
