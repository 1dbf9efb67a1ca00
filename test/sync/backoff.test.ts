import { it } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../../device/src/util/backoff.js';

it('backoff ceilings double up to the cap, jitter stays inside, reset starts over', () => {
  const top = new Backoff({ baseMs: 1000, maxMs: 30_000, jitter: 'full', random: () => 0.999999 });
  const ceilings = Array.from({ length: 7 }, () => top.next());
  assert.deepEqual(ceilings, [999, 1999, 3999, 7999, 15999, 29999, 29999]);
  const low = new Backoff({ baseMs: 1000, maxMs: 30_000, jitter: 'full', random: () => 0 });
  assert.equal(low.next(), 0);
  const r = new Backoff({ baseMs: 1000, maxMs: 30_000, jitter: 'full' });
  for (let i = 0; i < 50; i++) {
    const d = r.next();
    assert.ok(d >= 0 && d < 30_000);
  }
  assert.equal(r.failures, 50);
  r.reset();
  assert.equal(r.failures, 0);
});
