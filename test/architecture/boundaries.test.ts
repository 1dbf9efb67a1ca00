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
const sharedUtils = ['log', 'paths', 'feature', 'csv', 'http-errors'].map((n) => `device/src/util/${n}.ts`);
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
