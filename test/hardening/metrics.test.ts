// Rough edge: /metrics shows people and visit figures, and a metrics-only API token can scrape it (nothing else).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PeopleMetrics } from '../../device/src/health/people-metrics.js';
import { adminSuite } from '../http/harness.js';

describe('/metrics: people, visits, identity decisions; a metrics-only token', () => {
  let people: PeopleMetrics;
  const s = adminSuite({
    late: async ({ bus }) => {
      people = new PeopleMetrics(bus);
      await people.start();
      return { people };
    },
  });

  it('a metrics token reads /metrics and nothing else; no user can have that role', async () => {
    const created = await s.admin.json('POST', '/api/v1/tokens', { name: 'prometheus', role: 'metrics' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const auth = { authorization: `Bearer ${created.body.token}` };
    const at = new Date().toISOString();
    const box = { x: 0, y: 0, width: 10, height: 10 };
    s.h.bus.emit('counts', { at, inShopNow: 3, staffInShopNow: 1, visitsToday: 17 });
    for (const [personId, kind] of [['C-000001', 'customer'], ['C-000001', 'customer'], ['S-000001', 'staff'], [null, 'unknown']] as const) {
      s.h.bus.emit('face', { at, cameraId: 'door', trackId: 't1', personId, kind, name: null, score: 0.9, box });
    }
    const text = await (await fetch(`${s.h.url}/metrics`, { headers: auth })).text();
    assert.match(text, /^cva_people_in_shop 3$/m);
    assert.match(text, /^cva_staff_in_shop 1$/m);
    assert.match(text, /^cva_visits_today 17$/m);
    assert.match(text, /^cva_identity_decisions_total\{kind="customer"\} 2$/m);
    assert.match(text, /^cva_identity_decisions_total\{kind="undecided"\} 1$/m);
    assert.equal((await fetch(`${s.h.url}/api/v1/cameras`, { headers: auth })).status, 403);
    assert.equal((await fetch(`${s.h.url}/api/v1/health/details`, { headers: auth })).status, 403);
    assert.equal((await s.admin.json('POST', '/api/v1/users', { username: 'scraper', password: 'scraper-password-1', role: 'metrics' })).status, 400);
    await people.stop();
  });
});
