import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidTimeZone, nextZonedMidnight, startOfZonedDay, zonedDayKey, zonedParts } from '../../device/src/visits/site-time.js';

test('local days and midnights follow the site timezone across DST changes', () => {
  const tz = 'America/New_York';
  // 2026-03-08 is the spring-forward day (EST -5 → EDT -4); 2026-11-01 falls back.
  assert.equal(new Date(startOfZonedDay(Date.parse('2026-03-08T15:00:00Z'), tz)).toISOString(), '2026-03-08T05:00:00.000Z');
  assert.equal(new Date(nextZonedMidnight('2026-03-08', tz)).toISOString(), '2026-03-09T04:00:00.000Z');
  assert.equal(new Date(nextZonedMidnight('2026-10-31', tz)).toISOString(), '2026-11-01T04:00:00.000Z');
  assert.equal(new Date(nextZonedMidnight('2026-11-01', tz)).toISOString(), '2026-11-02T05:00:00.000Z');
  assert.equal(zonedDayKey(Date.parse('2026-06-02T03:30:00Z'), tz), '2026-06-01');
  assert.equal(zonedParts(Date.parse('2026-06-02T03:30:00Z'), tz).hour, 23);
  assert.equal(zonedDayKey(Date.parse('2026-06-01T12:30:00Z'), 'Asia/Kathmandu'), '2026-06-01');
  assert.equal(new Date(startOfZonedDay(Date.parse('2026-06-01T12:30:00Z'), 'Asia/Kathmandu')).toISOString(), '2026-05-31T18:15:00.000Z');
  assert.equal(isValidTimeZone('Europe/Paris'), true);
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
});
