// The review queue's caps: one track, and one suggested person, can only hold so many items; past a cap the
// better-quality item is kept. Real face vectors from the shared photos, a real identity store on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { IdentityStore } from '../../device/src/identity/identity-store.js';
import { ReviewQueue } from '../../device/src/identity/review-queue.js';
import { identityBench } from './face-fixture.js';

const bench = identityBench('cva-review-caps-');

test('per-track and per-person caps keep the best items and refuse weaker ones', async () => {
  const store = await IdentityStore.open(join(bench.root(), 'identity'), null);
  const queue = new ReviewQueue(store, 100, { perTrack: 1, perPerson: 2 });
  const vector = (await bench.face('obama/1.jpg')).embedding;
  const item = (trackId: string, quality: number, personId = 'C-000001') => ({
    at: Date.now(),
    cameraId: 'door',
    trackId,
    reason: 'small-margin' as const,
    candidates: [{ personId, distance: 0.5 }],
    vectors: [vector],
    quality,
  });
  const qualities = () => queue.list().map((r) => r.quality).sort();

  assert.ok(await queue.enqueue(item('t1', 0.3)));
  assert.equal(await queue.enqueue(item('t1', 0.2)), null, 'a weaker item of the same track is refused');
  assert.ok(await queue.enqueue(item('t1', 0.35)), 'a better one replaces it');
  assert.deepEqual(qualities(), [0.35]);

  assert.ok(await queue.enqueue(item('t2', 0.5)));
  assert.equal(queue.list().length, 2);
  assert.equal(await queue.enqueue(item('t3', 0.1)), null, 'the person already has two better items');
  assert.ok(await queue.enqueue(item('t4', 0.6)), 'a better item replaces the weakest of that person');
  assert.deepEqual(qualities(), [0.5, 0.6]);

  assert.ok(await queue.enqueue(item('t5', 0.1, 'C-000002')), 'another person is not capped by the first');
  assert.equal(queue.list().length, 3);
  await store.close();
});
