// Defect 10: one appliance per data folder (a lock), and the re-launched child dies with its launcher.
// Real `node dist/device/src/main.js` processes on one data folder.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { until } from '../mqtt/until.js';

const main = join(repoRoot, 'dist', 'device', 'src', 'main.js');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** `npm start` as a user runs it: no UV_THREADPOOL_SIZE, so main re-launches itself as a child. */
function launch(dir: string): { proc: ChildProcess; output: () => string; exit: Promise<number | null> } {
  const env: NodeJS.ProcessEnv = { ...process.env, CVA_DATA_DIR: dir, LOG_LEVEL: 'info' };
  delete env.UV_THREADPOOL_SIZE;
  const proc = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const exit = new Promise<number | null>((res) => proc.on('exit', (code) => res(code)));
  return { proc, output: () => out, exit };
}

describe('one appliance per data folder', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cva-lock-'));
  const started: ChildProcess[] = [];
  // Any free ports: the test runs beside other appliances.
  writeFileSync(join(dir, 'settings.json'), JSON.stringify({ http: { port: 0, host: '127.0.0.1' }, mqtt: { port: 0 } }));
  after(() => {
    for (const p of started) if (p.exitCode === null) p.kill('SIGKILL');
    const childPid = Number.parseInt(readFileSafe(join(dir, 'appliance.lock')), 10);
    if (childPid > 0 && alive(childPid)) process.kill(childPid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second start on the same folder is refused clearly; kill -9 of the launcher stops its child; then a new start works', { timeout: 240_000 }, async () => {
    const first = launch(dir);
    started.push(first.proc);
    await until('the first appliance running', () => /appliance \S+ running/.test(first.output()), 120_000);
    const childPid = Number.parseInt(readFileSync(join(dir, 'appliance.lock'), 'utf8'), 10);
    assert.notEqual(childPid, first.proc.pid, 'the lock is held by the re-launched child');
    assert.ok(alive(childPid));

    const second = launch(dir);
    started.push(second.proc);
    assert.equal(await second.exit, 2, second.output());
    assert.match(second.output(), new RegExp(`another appliance \\(pid ${childPid}\\) is already running on the data folder`));

    first.proc.kill('SIGKILL');
    await until('the orphaned child stopped', () => !alive(childPid), 60_000);

    const third = launch(dir);
    started.push(third.proc);
    await until('the third appliance running', () => /appliance \S+ running/.test(third.output()), 120_000);
    third.proc.kill('SIGTERM');
    await third.exit;
  });
});

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
