import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenAt, parseOpeningHours } from '../../device/src/balena/opening-hours.js';
import { OpeningHoursHold, openingHoursPolicy } from '../../device/src/balena/opening-hours-hold.js';
import { UpdateLock } from '../../device/src/balena/update-lock.js';
import { Settings } from '../../device/src/contracts/settings.js';
import { ManualClock } from '../../device/src/util/clock.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('opening hours', () => {
  it('parses the CVA_OPENING_HOURS device variable and rejects nonsense with a reason', () => {
    const r = parseOpeningHours('Mon-Fri 09:00-18:00; Sat+Sun 10:00-16:00; Fri-Mon 22:00-02:00');
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00' },
      { days: [0, 6], open: '10:00', close: '16:00' },
      { days: [0, 1, 5, 6], open: '22:00', close: '02:00' },
    ]);
    for (const bad of ['', 'Mon 9-18', 'Funday 09:00-18:00', 'Mon 25:00-26:00', 'Mon-Fri 09:00']) {
      const x = parseOpeningHours(bad);
      assert.equal(x.ok, false, bad);
    }
    assert.equal(Settings.safeParse({ updates: { openingHours: [{ days: [7], open: '09:00', close: '18:00' }] } }).success, false);
    assert.equal(Settings.safeParse({ updates: { openingHours: [{ days: [1], open: '9:00', close: '18:00' }] } }).success, false);
    assert.equal(Settings.safeParse({ updates: { maxHoldHours: 0 } }).success, false);
  });

  it('is open by the site\'s wall clock (timezone and daylight saving), overnight rules included', () => {
    const rules = parseOpeningHours('Mon-Sat 09:00-18:00; Fri 22:00-02:00');
    assert.ok(rules.ok);
    const at = (iso: string) => isOpenAt(rules.value, Date.parse(iso), 'Europe/Paris');
    // Monday 1 June 2026 (summer: UTC+2).
    assert.equal(at('2026-06-01T06:59:00Z'), false); // 08:59 in Paris
    assert.equal(at('2026-06-01T07:00:00Z'), true); // 09:00
    assert.equal(at('2026-06-01T15:59:00Z'), true); // 17:59
    assert.equal(at('2026-06-01T16:00:00Z'), false); // 18:00: closed
    // Monday 12 January 2026 (winter: UTC+1): 09:00 in Paris is 08:00 UTC.
    assert.equal(at('2026-01-12T07:30:00Z'), false);
    assert.equal(at('2026-01-12T08:00:00Z'), true);
    // Sunday closed all day; Friday night runs into Saturday 02:00.
    assert.equal(at('2026-06-07T10:00:00Z'), false);
    assert.equal(at('2026-06-05T21:00:00Z'), true); // Fri 23:00
    assert.equal(at('2026-06-05T23:30:00Z'), true); // Sat 01:30 (Friday's night)
    assert.equal(at('2026-06-06T00:00:00Z'), false); // Sat 02:00
    // The same instant in another timezone is another wall-clock time.
    assert.equal(isOpenAt(rules.value, Date.parse('2026-06-01T07:00:00Z'), 'America/New_York'), false);
  });

  it('the page\'s settings win over the device variable; null follows it', () => {
    const fromEnv = openingHoursPolicy(Settings.parse({}), 'Mon 09:00-17:00');
    assert.deepEqual([fromEnv.enabled, fromEnv.source], [true, 'device variable']);
    const none = openingHoursPolicy(Settings.parse({}), undefined);
    assert.deepEqual([none.enabled, none.source], [false, 'none']);
    const off = openingHoursPolicy(Settings.parse({ updates: { lockDuringOpeningHours: false } }), 'Mon 09:00-17:00');
    assert.equal(off.enabled, false);
    const page = openingHoursPolicy(
      Settings.parse({ site: { timezone: 'Asia/Tokyo' }, updates: { lockDuringOpeningHours: true, openingHours: [{ days: [2], open: '10:00', close: '11:00' }] } }),
      'Mon 09:00-17:00',
    );
    assert.deepEqual([page.enabled, page.source, page.timezone, page.rules[0].days], [true, 'settings', 'Asia/Tokyo', [2]]);
    const bad = openingHoursPolicy(Settings.parse({}), 'whenever');
    assert.equal(bad.enabled, false);
  });

  it('holds the real update lock while the shop is open and lets go at closing time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cva-hours-'));
    dirs.push(dir);
    const path = join(dir, 'updates.lock');
    const clock = new ManualClock(Date.parse('2026-06-01T06:00:00Z')); // Monday 08:00 in Paris
    const lock = new UpdateLock({ path, clock });
    let settings = Settings.parse({ site: { timezone: 'Europe/Paris' } });
    const hold = new OpeningHoursHold({ lock, clock, policy: () => openingHoursPolicy(settings, 'Mon-Fri 09:00-18:00'), intervalMs: 3_600_000 });
    await lock.start();
    await hold.start();
    assert.equal(existsSync(path), false);
    clock.set(Date.parse('2026-06-01T07:00:00Z')); // 09:00: open
    await hold.tick();
    assert.equal(existsSync(path), true);
    assert.deepEqual(lock.state().reasons, ['opening hours']);
    // A setting from the page turns it off at once, and back on.
    const change = async (next: Settings) => {
      const prev = settings;
      settings = next;
      await hold.onSettingsChanged(next, prev);
    };
    await change(Settings.parse({ site: { timezone: 'Europe/Paris' }, updates: { lockDuringOpeningHours: false } }));
    assert.equal(existsSync(path), false);
    await change(Settings.parse({ site: { timezone: 'Europe/Paris' } }));
    assert.equal(existsSync(path), true);
    // Another timezone: 09:00 in Paris is 03:00 in New York, closed there.
    await change(Settings.parse({ site: { timezone: 'America/New_York' } }));
    assert.equal(existsSync(path), false);
    await change(Settings.parse({ site: { timezone: 'Europe/Paris' } }));
    assert.equal(existsSync(path), true);
    clock.set(Date.parse('2026-06-01T16:00:00Z')); // 18:00: closed
    await hold.tick();
    assert.equal(existsSync(path), false);
    assert.deepEqual(lock.state().reasons, []);
    clock.set(Date.parse('2026-06-02T08:00:00Z'));
    await hold.tick();
    assert.equal(existsSync(path), true);
    await hold.stop();
    assert.equal(existsSync(path), false, 'stopping lets go');
    await lock.stop();
  });
});
