import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CredentialStore, type CloudCredentials } from '../../device/src/sync/credentials.js';

const creds = (token: string): CloudCredentials => ({
  cloudUrl: 'http://127.0.0.1:8080',
  deviceId: 'dev-1',
  siteId: 'site-1',
  siteName: 'High Street',
  timezone: 'Europe/London',
  token,
  claimCode: 'ABCD-1234',
  claimedAt: '2026-11-24T10:00:00.000Z',
});

it('credentials are saved owner-only, replaced whole, and leave no temp file behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'cva-creds-'));
  try {
    const file = join(dir, 'cloud', 'credentials.json');
    const store = new CredentialStore(file);
    assert.equal(store.load(), null);
    store.save(creds('first'));
    store.save(creds('second'));
    assert.deepEqual(store.load(), creds('second'));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(dir, 'cloud')), ['credentials.json']);
    await writeFile(file, '{"token": 1}');
    assert.equal(store.load(), null, 'an invalid file reads as "not claimed"');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
