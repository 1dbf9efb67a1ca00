// Defect 12: bad input from the plumbing (compressed bodies that are not, malformed multipart, bad
// percent-encoding in a path, an impossible date) is a 4xx with a plain message, never a 5xx or a stack trace.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CloudServer } from '../../cloud-sync/src/server.js';
import { api, makeTestDb, newOrg, siteWithDevice, startCloud, type TestDb } from '../cloud/harness.js';
import { Client, setUpAdmin, startHarness, type Harness } from '../http/harness.js';

describe('the appliance: 4xx for malformed requests', () => {
  let h: Harness;
  let admin: Client;
  const errors: string[] = [];
  before(async () => {
    h = await startHarness();
    admin = await setUpAdmin(h);
  });
  after(() => h.close());

  const expect400 = async (label: string, r: Response) => {
    const text = await r.text();
    assert.equal(r.status, 400, `${label}: ${text}`);
    const body = JSON.parse(text);
    assert.equal(body.error.code, 'bad_request', label);
    assert.ok(!/\n\s+at /.test(text), `${label}: no stack trace`);
    errors.push(body.error.message);
  };

  it('Content-Encoding gzip/deflate/br with a plain body', async () => {
    for (const enc of ['gzip', 'deflate', 'br']) {
      await expect400(enc, await admin.fetch('PATCH', '/api/v1/settings', '{"visitGapMinutes": 31}', { 'content-encoding': enc }));
    }
    assert.equal(h.settings.get().visitGapMinutes, 30, 'nothing changed');
  });

  it('malformed multipart bodies', async () => {
    const part = '--xx\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\n\r\nabc';
    await expect400('truncated', await admin.fetch('POST', '/api/v1/recognise', part, { 'content-type': 'multipart/form-data; boundary=xx' }));
    await expect400('no boundary', await admin.fetch('POST', '/api/v1/recognise', 'abc', { 'content-type': 'multipart/form-data' }));
    await expect400('bad part header', await admin.fetch('POST', '/api/v1/recognise', '--xx\r\nnot a header\r\n\r\nabc\r\n--xx--\r\n', { 'content-type': 'multipart/form-data; boundary=xx' }));
  });

  it('bad percent-encoding in a path id, signed in or not', async () => {
    await expect400('anonymous', await fetch(`${h.url}/api/v1/cameras/%C0%AE`));
    await expect400('admin', await admin.fetch('GET', '/api/v1/cameras/%C0%AE'));
    await expect400('truncated escape', await admin.fetch('DELETE', '/api/v1/staff/%E0%A4%A'));
  });
});

describe('cloud-sync: 4xx for malformed requests (real PostgreSQL)', () => {
  let t: TestDb;
  let server: CloudServer;
  let url: string;
  let admin: string;
  before(async () => {
    t = await makeTestDb('postgres');
    ({ server, url } = await startCloud(t.db));
    admin = (await newOrg(t.db, 'Dates')).token;
    await siteWithDevice(url, admin, 'Date shop', 'Europe/Paris');
  });
  after(async () => {
    await server.stop();
    await t.cleanup();
  });

  it('from=2026-02-31 is a 400 invalid_range', async () => {
    for (const path of ['/api/reports/summary?from=2026-02-31&to=2026-03-05', '/api/reports/visits?from=2026-01-01&to=2026-02-30']) {
      const r = await api(url, 'GET', path, admin);
      assert.equal(r.status, 400, `${path}: ${r.text}`);
      assert.equal(r.body.error.code, 'invalid_range');
    }
  });

  it('a gzip-labelled plain body and bad percent-encoding are 400s', async () => {
    const r = await fetch(`${url}/api/sites`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: '{"name":"x","timezone":"UTC"}' });
    assert.equal(r.status, 400, await r.text());
    const p = await api(url, 'GET', '/api/sites/%C0%AE/claim-codes', admin);
    assert.ok(p.status >= 400 && p.status < 500, `${p.status} ${p.text}`);
  });
});
