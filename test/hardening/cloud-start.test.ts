// Rough edges of `npm run cloud` on PGlite: the first admin is created at start (no stop → CLI → start), and
// stopping `npm run cloud` stops the server (the script execs it, so npm's signal reaches it).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { until } from '../mqtt/until.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run cloud (PGlite)', () => {
  it('creates the first admin at start, serves with its token, and stops with npm', { timeout: 300_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cva-cloud-start-'));
    const env: NodeJS.ProcessEnv = { ...process.env, CLOUD_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' };
    delete env.DATABASE_URL;
    const npm = spawn('npm', ['run', '-s', 'cloud', '--', '--first-admin-org', 'Acme', '--first-admin-email', 'boss@acme.example'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    npm.stdout!.on('data', (d) => (out += d));
    npm.stderr!.on('data', (d) => (err += d));
    let serverPid = 0;
    try {
      await until('the server listening', () => /listening on port \d+ \(pid \d+\)/.test(err), 240_000);
      const [, port, pid] = /listening on port (\d+) \(pid (\d+)\)/.exec(err)!;
      serverPid = Number(pid);
      await until('the token on stdout', () => out.includes('"token"'), 30_000);
      const { token, email } = JSON.parse(out.trim().split('\n').find((l) => l.includes('"token"'))!);
      assert.equal(email, 'boss@acme.example');
      const sites = await fetch(`http://127.0.0.1:${port}/api/sites`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(sites.status, 200, await sites.text());
      npm.kill('SIGTERM');
      await until('the server stopped with npm', () => !alive(serverPid), 60_000);
    } finally {
      if (serverPid && alive(serverPid)) process.kill(serverPid, 'SIGKILL');
      npm.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
