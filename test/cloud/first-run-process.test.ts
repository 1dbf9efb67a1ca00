import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { api, DATABASE_URL } from './harness.js';
import { runCli, startCloudProcess } from './cloud-process.js';
import { SessionClient } from './session-client.js';

/**
 * The first organisation admin as a new user meets it: start `npm run cloud`, read the set-up code in the
 * log, create the admin on the page's API — no CLI, no restart — and the CLI still works while the server
 * runs (PGlite: through the server's control socket; PostgreSQL: directly).
 */
async function firstRunThenCli(env: Record<string, string>): Promise<void> {
  const cloud = await startCloudProcess(env);
  try {
    const code = cloud.setupCode();
    assert.ok(code, `no set-up code in the log:\n${cloud.output()}`);
    const page = new SessionClient(cloud.url);
    const r = await page.call('POST', '/api/session/first-run', { setupCode: code, organisation: 'First', email: 'first@example.com', password: 'a long enough password' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.equal((await page.call('GET', '/api/me')).body.orgName, 'First');

    const cli = await runCli(['create-admin', '--org', 'Second', '--email', 'second@example.com'], env);
    assert.equal(cli.code, 0, cli.stderr);
    const made = JSON.parse(cli.stdout);
    assert.match(made.token, /^cvau_/);
    assert.ok(made.invite.code);
    const me = await api(cloud.url, 'GET', '/api/me', made.token);
    assert.equal(me.status, 200);
    assert.equal(me.body.orgName, 'Second');
    // The invite printed by the CLI sets a password on the page.
    const second = new SessionClient(cloud.url);
    assert.equal((await second.call('POST', '/api/session/invite', { code: made.invite.code, password: 'another long password' })).status, 200);
    assert.equal((await second.call('GET', '/api/me')).body.email, 'second@example.com');
    assert.equal((await runCli(['create-admin', '--org', 'Bad'], env)).code, 2);
  } finally {
    await cloud.stop();
  }
}

describe('first run and CLI while the server runs', () => {
  const cleanups: Array<() => Promise<void>> = [];
  after(async () => {
    for (const c of cleanups) await c();
  });

  it('on PGlite', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cva-cloud-first-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await firstRunThenCli({ CLOUD_DATA_DIR: dir, DATABASE_URL: '' });
  });

  it('on PostgreSQL', async () => {
    const schema = `cva_t_${randomBytes(6).toString('hex')}`;
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`create schema ${schema}`);
    await c.end();
    cleanups.push(async () => {
      const d = new pg.Client({ connectionString: DATABASE_URL });
      await d.connect();
      await d.query(`drop schema ${schema} cascade`);
      await d.end();
    });
    const u = new URL(DATABASE_URL);
    u.searchParams.set('options', `-c search_path=${schema}`);
    await firstRunThenCli({ DATABASE_URL: u.toString() });
  });
});
