import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Express } from 'express';
import { openApiPath } from '../../device/src/http/openapi.js';
import { apiDocument } from '../../device/src/http/app.js';
import { appVersion } from '../../device/src/services/system-service.js';
import { repoRoot } from '../../device/src/util/paths.js';
import { Client, startHarness, type Harness } from './harness.js';

/** Every method+path express will answer, read from the router itself (not from our route table). */
function expressRoutes(app: Express): Set<string> {
  const out = new Set<string>();
  const stack = (app as unknown as { router: { stack: { route?: { path: string; methods: Record<string, boolean> } }[] } }).router.stack;
  for (const layer of stack) {
    if (!layer.route) continue;
    for (const [m, on] of Object.entries(layer.route.methods)) if (on && m !== '_all') out.add(`${m} ${openApiPath(layer.route.path)}`);
  }
  return out;
}

describe('OpenAPI document', () => {
  let h: Harness;
  let served: any;
  before(async () => {
    h = await startHarness();
    const r = await new Client(h.url).json('GET', '/api/v1/openapi.json');
    assert.equal(r.status, 200);
    served = r.body;
  });
  after(() => h.close());

  it('lists exactly the routes express serves', () => {
    const documented = new Set<string>();
    for (const [p, ops] of Object.entries(served.paths as Record<string, Record<string, unknown>>))
      for (const m of Object.keys(ops)) documented.add(`${m} ${p}`);
    const registered = expressRoutes(h.http.app);
    assert.ok(registered.size > 40, `${registered.size} routes`);
    assert.deepEqual([...registered].filter((r) => !documented.has(r)), [], 'registered but undocumented');
    assert.deepEqual([...documented].filter((r) => !registered.has(r)), [], 'documented but not registered');
  });

  it('is OpenAPI 3.1 with typed bodies, parameters and the shared error body', () => {
    assert.equal(served.openapi, '3.1.0');
    const patch = served.paths['/api/v1/settings'].patch;
    assert.ok(patch.requestBody.content['application/json'].schema);
    assert.equal(patch.responses['400'].content['application/json'].schema.$ref, '#/components/schemas/ErrorBody');
    const cam = served.paths['/api/v1/cameras/{id}'].get;
    assert.deepEqual(cam.parameters.map((p: any) => [p.name, p.in, p.required]), [['id', 'path', true]]);
    assert.equal(cam['x-permission'], 'cameras.read');
    const visits = served.paths['/api/v1/visits'].get;
    assert.ok(visits.parameters.some((p: any) => p.name === 'cursor' && p.in === 'query' && !p.required));
    const enrol = served.paths['/api/v1/staff/{id}/photos'].post;
    assert.ok(enrol.requestBody.content['multipart/form-data']);
    assert.ok(served.components.schemas.ErrorBody.properties.error);
    assert.deepEqual(served.paths['/api/v1/health'].get.security, []);
  });

  it('docs/http.md lists every route with its permission', async () => {
    const doc = await readFile(resolve(repoRoot, 'docs', 'http.md'), 'utf8');
    for (const [p, ops] of Object.entries(served.paths as Record<string, Record<string, any>>))
      for (const [m, op] of Object.entries(ops)) assert.ok(doc.includes(`| \`${m.toUpperCase()} ${p}\` | ${op['x-permission']} |`), `${m} ${p} missing from docs/http.md`);
  });

  it('docs/openapi.json is what the server serves (regenerate with node dist/device/src/http/openapi-cli.js)', async () => {
    const committed = JSON.parse(await readFile(resolve(repoRoot, 'docs', 'openapi.json'), 'utf8'));
    assert.deepEqual(committed, served);
    assert.deepEqual(apiDocument(appVersion()), served);
  });
});
