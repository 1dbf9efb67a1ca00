// The placement check's verdict and advice from measured figures: the installer reads the measured value and
// what recognition needs, worst problem first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placementAdvice } from '../../device/src/placement/advice.js';

const needs = { minFaceWidthPx: 40, goodFaceWidthPx: 72, minSharpness: 30, goodFrontal: 0.5 };
const figures = (f: Partial<Parameters<typeof placementAdvice>[0]>) => ({
  facesMeasured: 120,
  medianFaceWidthPx: 90,
  medianSharpness: 200,
  medianFrontal: 0.8,
  identifiableShare: 0.9,
  ...f,
});

test('small faces: move closer or zoom, with the measured and the needed width', () => {
  const r = placementAdvice(figures({ medianFaceWidthPx: 25, identifiableShare: 0.05 }), needs, 5);
  assert.equal(r.verdict, 'poor');
  assert.deepEqual(r.issues, ['too-small', 'few-identifiable']);
  assert.equal(r.advice[0], 'Faces are 25 px wide: move the camera closer or zoom in; recognition needs at least 40 px and works best from 72 px.');
  assert.match(r.advice[1], /^Only 5 % of the 120 faces measured/);
});

test('blur and pose are named with their figures', () => {
  const r = placementAdvice(figures({ medianSharpness: 12.4, medianFrontal: 0.31, identifiableShare: 0.6 }), needs, 5);
  assert.deepEqual(r.issues, ['blurry', 'turned-away']);
  assert.match(r.advice.join(' '), /sharpness 12, recognition needs 30/);
  assert.match(r.advice.join(' '), /frontal 0\.31, best above 0\.5/);
});

test('a good camera says so; one that measured nothing says how to get data', () => {
  const good = placementAdvice(figures({}), needs, 5);
  assert.equal(good.verdict, 'good');
  assert.deepEqual(good.issues, []);
  assert.match(good.advice[0], /^Good placement: 90 % of the 120 faces/);
  const none = placementAdvice(figures({ facesMeasured: 0, medianFaceWidthPx: null, medianSharpness: null, medianFrontal: null, identifiableShare: null }), needs, 10);
  assert.equal(none.verdict, 'no-data');
  assert.match(none.advice[0], /No face was measured in the last 10 min/);
});
