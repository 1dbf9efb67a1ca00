import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvField } from '../../device/src/util/csv.js';

test('CSV cells: RFC 4180 quoting, formulas neutralised, numbers left alone', () => {
  assert.equal(csvField(null), '');
  assert.equal(csvField('plain'), 'plain');
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField('two\nlines'), '"two\nlines"');
  // A shop name typed by an admin must not run as a formula when HQ opens the export.
  assert.equal(csvField('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
  assert.equal(csvField('@SUM(A1)'), "'@SUM(A1)");
  assert.equal(csvField('-2+3'), "'-2+3");
  assert.equal(csvField('-12.5'), '-12.5');
  assert.equal(csvField(-3), '-3');
  assert.equal(csvField(true), 'true');
  assert.equal(csvField(new Date('2026-01-02T03:04:05Z')), '2026-01-02T03:04:05.000Z');
});
