#!/usr/bin/env node
// Runs every compiled test file (dist/test/**/*.test.js) with node's test runner.
// `TEST_FILTER=substring` narrows the files; `TEST_CONCURRENCY` sets how many files run at once.
// The run fails when node reports a file handle closed by the garbage collector: one was opened and never closed.
import { spawn } from 'node:child_process';
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
const LEAK = /Warning: Closing file descriptor \d+ on garbage collection/g;
let leaks = 0;
const child = spawn(process.execPath, args, { stdio: ['inherit', 'pipe', 'pipe'], cwd: root, env });
/** Passes the output through as it comes and counts leak warnings (a line may arrive in two chunks). */
const watch = (from, to) => {
  let tail = '';
  from.on('data', (chunk) => {
    to.write(chunk);
    const text = tail + chunk.toString('utf8');
    const lines = text.split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) leaks += (line.match(LEAK) ?? []).length;
  });
  from.on('end', () => {
    leaks += (tail.match(LEAK) ?? []).length;
  });
};
watch(child.stdout, process.stdout);
watch(child.stderr, process.stderr);
const code = await new Promise((res) => child.on('close', (c) => res(c)));
if (leaks > 0) {
  console.error(`\nrun-tests: ${leaks} file handle(s) closed on garbage collection — something opened a file and never closed it (run with NODE_OPTIONS=--trace-warnings to see where)`);
  process.exit(1);
}
process.exit(code ?? 1);
