// The web page's serving: the HTML shell for client routes (never cached), hashed assets immutable,
// a strict CSP and no framing, and the API, metrics and MQTT paths never shadowed by the page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from './harness.js';

describe('static web page', () => {
  let h: Harness;
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cva-ui-dist-'));
    await mkdir(join(dir, 'assets'));
    await writeFile(join(dir, 'index.html'), '<!doctype html><title>page</title><script type="module" src="/assets/index-abc123.js"></script>');
    await writeFile(join(dir, 'assets', 'index-abc123.js'), 'console.log("page")');
    h = await startHarness({ deps: { uiDir: dir } });
  });
  after(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers the HTML shell at / and at client routes, never cached, with CSP and no framing', async () => {
    for (const path of ['/', '/visits', '/cameras/door', '/index.html']) {
      const r = await fetch(h.url + path);
      assert.equal(r.status, 200, path);
      assert.match(r.headers.get('content-type')!, /^text\/html/, path);
      assert.equal(r.headers.get('cache-control'), 'no-store', path);
      const csp = r.headers.get('content-security-policy')!;
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.equal(r.headers.get('x-frame-options'), 'DENY');
      assert.match(await r.text(), /<title>page<\/title>/);
    }
  });

  it('serves hashed assets as immutable, and a missing asset is a 404', async () => {
    const r = await fetch(h.url + '/assets/index-abc123.js');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('cache-control')!, /max-age=31536000.*immutable|immutable.*max-age=31536000/);
    assert.match(r.headers.get('content-type')!, /javascript/);
    assert.equal((await fetch(h.url + '/assets/gone-000.js')).status, 404);
    assert.equal((await fetch(h.url + '/favicon.ico')).status, 404);
  });

  it('never shadows the API, metrics or MQTT paths', async () => {
    const api = await fetch(h.url + '/api/v1/no-such-thing');
    assert.equal(api.status, 404);
    assert.match(api.headers.get('content-type')!, /json/);
    assert.equal((await api.json()).error.code, 'not_found');
    assert.equal((await fetch(h.url + '/api/v1/health')).status, 200);
    assert.equal((await fetch(h.url + '/metrics')).status, 401);
    const mqtt = await fetch(h.url + '/mqtt');
    assert.notEqual(mqtt.headers.get('content-type')?.startsWith('text/html'), true);
    // Unsafe methods on page paths are not answered with the page.
    assert.equal((await fetch(h.url + '/visits', { method: 'POST' })).status, 404);
  });

  it('says how to build the page when it is missing', async () => {
    const bare = await startHarness({ deps: { uiDir: join(dir, 'nothing-here') } });
    try {
      const r = await fetch(bare.url + '/');
      assert.equal(r.status, 503);
      assert.match(await r.text(), /npm run build/);
    } finally {
      await bare.close();
    }
  });
});
