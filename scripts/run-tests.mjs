#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// `TEST_FILTER=substring` narrows the files; `TEST_CONCURRENCY` sets how many files run at once.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'dist', 'test');
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name.endsWith('.test.js')) files.push(p);
  }
};
if (existsSync(testRoot)) walk(testRoot);
const filter = process.env.TEST_FILTER;
const selected = files.filter((f) => !filter || f.includes(filter)).sort();
if (selected.length === 0) {
  console.error('no test files found under dist/test');
  process.exit(1);
}
const args = ['--test', `--test-concurrency=${process.env.TEST_CONCURRENCY ?? '1'}`, '--test-reporter=spec', ...selected];
// Camera tests block libuv pool threads (gstreamer-superficial): size the pool as the appliance does.
const env = { UV_THREADPOOL_SIZE: '38', ...process.env, NODE_ENV: 'test' };
const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root, env });
process.exit(r.status ?? 1);
