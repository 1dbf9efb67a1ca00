import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { importsOf, sourceFiles, specifiers, resolveLocal } from './imports.js';

test('the import scanner sees static, type-only, re-export, multi-line and dynamic imports', () => {
  const file = resolve(repoRoot, 'device/src/main.ts');
  const specs = specifiers(file);
  assert.ok(specs.includes('./appliance.js'), 'dynamic import found');
  const http = specifiers(resolve(repoRoot, 'device/src/contracts/http.ts'));
  assert.ok(http.includes('zod') && http.includes('./roles.js'));
  assert.equal(resolveLocal(resolve(repoRoot, 'cloud-sync/src/app.ts'), '../../device/src/util/log.js'), 'device/src/util/log.ts');
});

test('contracts/ is a leaf: it imports only contracts/ and zod', () => {
  const bad = importsOf(sourceFiles('device/src/contracts')).filter(
    (i) => i.to !== 'zod' && !i.to.startsWith('device/src/contracts/'),
  );
  assert.deepEqual(bad, [], 'contracts must not import the app (the web pages and cloud-sync import them)');
});

/** What cloud-sync may take from the appliance: the contracts and a small shared utility set. */
const sharedUtils = ['log', 'paths', 'feature', 'csv', 'http-errors', 'client-fault', 'backoff', 'clock', 'passwords', 'login-limiter', 'cookies', 'setup-code', 'static-ui'].map((n) => `device/src/util/${n}.ts`);
const allowedFromDevice = (path: string) => path.startsWith('device/src/contracts/') || sharedUtils.includes(path);

test('cloud-sync imports from device/ only the contracts and the shared utilities', () => {
  const bad = importsOf(sourceFiles('cloud-sync')).filter((i) => i.to.startsWith('device/') && !allowedFromDevice(i.to));
  assert.deepEqual(bad, []);
});

test('the shared utilities cloud-sync uses stay within themselves and the contracts', () => {
  const files = sharedUtils.map((p) => resolve(repoRoot, p));
  const bad = importsOf(files).filter((i) => i.to.startsWith('device/') && !allowedFromDevice(i.to));
  assert.deepEqual(bad, []);
});

test('frame/ is the kernel below camera/, store/, tracking/ and vision/: it imports only contracts/', () => {
  const bad = importsOf(sourceFiles('device/src/frame')).filter(
    (i) => i.to.startsWith('device/') && !i.to.startsWith('device/src/frame/') && !i.to.startsWith('device/src/contracts/'),
  );
  assert.deepEqual(bad, []);
});

test('camera/, store/, tracking/ and vision/ do not import each other (frames, crops, face quality come from frame/)', () => {
  const layers = ['camera', 'store', 'tracking', 'vision'];
  const layerOf = (path: string) => layers.find((l) => path.startsWith(`device/src/${l}/`));
  // The one descriptor distance lives with the thresholds that give it meaning (vision/similarity.ts).
  const allowed = new Set(['device/src/tracking/tracker.ts → device/src/vision/similarity.ts']);
  const bad = importsOf(layers.flatMap((l) => sourceFiles(`device/src/${l}`)))
    .filter((i) => {
      const [from, to] = [layerOf(i.from), layerOf(i.to)];
      return to !== undefined && from !== to;
    })
    .map((i) => `${i.from} → ${i.to}`)
    .filter((edge) => !allowed.has(edge));
  assert.deepEqual(bad, []);
});
