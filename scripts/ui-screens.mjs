#!/usr/bin/env node
// Copies the browser tests' current screenshots (test-output/ui-screens/, git-ignored) into docs/ui-screens/
// for docs/ui.md, as palette PNGs at most 1280 px wide so the repository stays small. Run after `TEST_FILTER=test/ui/`.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'test-output', 'ui-screens');
const to = join(root, 'docs', 'ui-screens');
if (!existsSync(from)) {
  console.error(`no screenshots in ${from}: run the browser tests first (TEST_FILTER=test/ui/ node scripts/run-tests.mjs)`);
  process.exit(1);
}
mkdirSync(to, { recursive: true });
for (const name of readdirSync(from).filter((f) => f.endsWith('.png') && !f.startsWith('failure-')).sort()) {
  await sharp(join(from, name)).resize({ width: 1280, withoutEnlargement: true }).png({ palette: true, quality: 80, compressionLevel: 9 }).toFile(join(to, name));
  console.log(`docs/ui-screens/${name}`);
}
