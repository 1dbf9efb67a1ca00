import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SiteNameSync } from '../../device/src/sync/site-name.js';

describe('site name sync (box ↔ HQ, the later rename wins)', () => {
  const setup = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cva-site-name-')), 'sync', 'site-name.json');
    const box = { name: 'My shop' };
    let clock = Date.parse('2026-05-01T10:00:00Z');
    const make = () => new SiteNameSync(file, () => box.name, async (n) => void (box.name = n), () => new Date(clock));
    return { box, make, tick: (ms: number) => (clock += ms), now: () => new Date(clock).toISOString() };
  };

  it('a never-renamed box takes HQ\'s name; a later local rename is stamped and not undone by an older HQ name', async () => {
    const s = setup();
    const sync = s.make();
    assert.deepEqual(sync.current(), { name: 'My shop', nameChangedAt: null });
    assert.equal(await sync.adopt({ name: 'Paris Rivoli', nameChangedAt: '2026-04-01T00:00:00Z' }), true);
    assert.equal(s.box.name, 'Paris Rivoli');
    s.tick(60_000);
    s.box.name = 'Paris Opéra'; // renamed on the box's own page
    assert.deepEqual(sync.current(), { name: 'Paris Opéra', nameChangedAt: s.now() });
    assert.equal(await sync.adopt({ name: 'Paris Rivoli', nameChangedAt: '2026-04-01T00:00:00Z' }), false);
    assert.equal(s.box.name, 'Paris Opéra');
    // HQ renames afterwards: adopted; the state survives a restart.
    assert.equal(await sync.adopt({ name: 'Paris Louvre', nameChangedAt: '2026-05-02T00:00:00Z' }), true);
    assert.deepEqual(s.make().current(), { name: 'Paris Louvre', nameChangedAt: '2026-05-02T00:00:00Z' });
  });
});
