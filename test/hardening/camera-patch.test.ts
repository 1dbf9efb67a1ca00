// Defect 2: PATCH /cameras/{id} changes only what it is given; the audit log lists only what changed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { adminSuite } from '../http/harness.js';

describe('PATCH /api/v1/cameras/{id}', () => {
  const s = adminSuite();
  const full = { id: 'door', name: 'Door', url: 'rtsp://10.0.0.5/stream', enabled: false, analysisFps: 4, analysisWidth: 800, rtspTransport: 'udp', loop: true, decoder: 'avdec_h264' };

  it('a rename keeps every other field (a disabled camera stays off)', async () => {
    const post = await s.admin.json('POST', '/api/v1/cameras', full);
    assert.equal(post.status, 201);
    const created = post.body.config;
    assert.deepEqual({ ...created, ...full }, created, 'everything sent was kept');
    const r = await s.admin.json('PATCH', '/api/v1/cameras/door', { name: 'Front door' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Every field as created (the contract's defaults for the ones not sent), only the name changed.
    const expected = { ...created, name: 'Front door' };
    assert.deepEqual(r.body.config, expected);
    assert.deepEqual((await s.admin.json('GET', '/api/v1/cameras/door')).body.config, expected);
  });

  it('an empty body changes nothing and writes no audit entry', async () => {
    const before = (await s.admin.json('GET', '/api/v1/audit?action=camera.updated')).body.items.length;
    const r = await s.admin.json('PATCH', '/api/v1/cameras/door', {});
    assert.equal(r.status, 200);
    assert.equal(r.body.config.loop, true);
    assert.equal((await s.admin.json('GET', '/api/v1/audit?action=camera.updated')).body.items.length, before);
  });

  it('the audit entry lists only the fields whose value changed', async () => {
    await s.admin.json('PATCH', '/api/v1/cameras/door', { name: 'Front door', analysisFps: 6 });
    const items = (await s.admin.json('GET', '/api/v1/audit?action=camera.updated')).body.items;
    assert.deepEqual(items[0].details.fields, ['analysisFps']);
  });

  it('unknown fields and the id are refused', async () => {
    assert.equal((await s.admin.json('PATCH', '/api/v1/cameras/door', { id: 'other' })).status, 400);
    assert.equal((await s.admin.json('PATCH', '/api/v1/cameras/door', { colour: 'red' })).status, 400);
  });
});
