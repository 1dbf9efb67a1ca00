import { it } from 'node:test';
import assert from 'node:assert/strict';
import { median, percentile, roundTo } from '../../device/src/util/stats.js';
import { medianToTenth } from '../../device/src/visits/open-visit.js';

it('median: middle value, mean of the middle two, null for none; input left unsorted', () => {
  const xs = [9, 1, 5];
  assert.equal(median(xs), 5);
  assert.deepEqual(xs, [9, 1, 5]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), null);
  assert.equal(medianToTenth([31.26, 40.04]), 35.7);
  assert.equal(medianToTenth([]), null);
});

it('percentile: nearest rank, clamped at both ends, NaN for none', () => {
  const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1
  assert.equal(percentile(xs, 95), 19);
  assert.equal(percentile(xs, 50), 10);
  assert.equal(percentile(xs, 100), 20);
  assert.equal(percentile(xs, 0), 1);
  assert.equal(percentile([7], 99), 7);
  assert.ok(Number.isNaN(percentile([], 95)));
});

it('roundTo: to the given number of decimals', () => {
  assert.equal(roundTo(35.649, 1), 35.6);
  assert.equal(roundTo(0.123456, 4), 0.1235);
  assert.equal(roundTo(2.005, 0), 2);
  assert.ok(Number.isNaN(roundTo(NaN, 2)));
});
