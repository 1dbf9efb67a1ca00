import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { adminSuite, Client, setUpAdmin, startHarness, type Harness } from './harness.js';
import { JsonMqttAccountStore } from '../../device/src/mqtt/accounts.js';
import { bindMqttAccounts } from '../../device/src/services/bindings.js';
import { facesDataDir } from '../../device/src/util/paths.js';

function assertErrorBody(body: any, code: string): void {
  assert.equal(typeof body?.error?.message, 'string', JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
}

describe('bad input gets a 4xx with the error body and changes nothing', () => {
  let h: Harness;
  let admin: Client;
  let settingsFile: () => Promise<string>;

  before(async () => {
    const mqttDir = join((await import('node:os')).tmpdir(), `cva-mqtt-${process.pid}-${Date.now()}`);
    h = await startHarness({ deps: { mqttAccounts: bindMqttAccounts(await JsonMqttAccountStore.open(join(mqttDir, 'mqtt-accounts.json'))) } });
    admin = await setUpAdmin(h);
    assert.equal((await admin.json('POST', '/api/v1/cameras', { id: 'door', name: 'Door', url: 'rtsp://127.0.0.1:8554/s' })).status, 201);
    settingsFile = () => readFile(join(h.dir, 'settings.json'), 'utf8');
  });
  after(() => h.close());

  it('malformed JSON → 400 malformed_json', async () => {
    const before = await settingsFile();
    const r = await admin.json('PATCH', '/api/v1/settings', '{"visitGapMinutes": 12,');
    assert.equal(r.status, 400);
    assertErrorBody(r.body, 'malformed_json');
    assert.equal(await settingsFile(), before);
  });

  it('wrong types → 400 validation_failed with the offending paths', async () => {
    const before = await settingsFile();
    const r = await admin.json('PATCH', '/api/v1/settings', { visitGapMinutes: 'soon', recognition: { minFaceSize: -3 } });
    assert.equal(r.status, 400);
    assertErrorBody(r.body, 'validation_failed');
    const paths = r.body.error.details.map((d: any) => d.path);
    assert.ok(paths.includes('visitGapMinutes') && paths.includes('recognition.minFaceSize'), JSON.stringify(paths));
    assert.equal(await settingsFile(), before);

    const cam = await admin.json('POST', '/api/v1/cameras', { id: 'Bad Id!', name: '', url: 'ftp://x' });
    assert.equal(cam.status, 400);
    assertErrorBody(cam.body, 'validation_failed');
    const patch = await admin.json('PATCH', '/api/v1/cameras/door', { analysisFps: 'fast' });
    assert.equal(patch.status, 400);
    const q = await admin.json('GET', '/api/v1/audit?limit=-5');
    assert.equal(q.status, 400);
    assertErrorBody(q.body, 'validation_failed');
    assert.equal(h.settings.get().cameras.length, 1);
    assert.equal(h.settings.get().cameras[0].analysisFps, 10);
  });

  it('a body that is not JSON → 415', async () => {
    const r = await admin.fetch('PATCH', '/api/v1/settings', 'visitGapMinutes=3', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 415);
    assertErrorBody(await r.json(), 'unsupported_media_type');
  });

  it('a 50 MB JSON body → 413', async () => {
    const before = await settingsFile();
    const big = JSON.stringify({ site: { name: 'x'.repeat(50 * 1024 * 1024) } });
    const r = await admin.json('PATCH', '/api/v1/settings', big);
    assert.equal(r.status, 413);
    assertErrorBody(r.body, 'payload_too_large');
    assert.equal(await settingsFile(), before);
  });

  it('a 50 MB photo upload → 413, and an unauthenticated one is refused before it is read', async () => {
    const form = new FormData();
    form.append('photos', new Blob([Buffer.alloc(50 * 1024 * 1024, 0xff)], { type: 'image/jpeg' }), 'huge.jpg');
    const r = await admin.fetch('POST', '/api/v1/staff/S-1/photos', form);
    assert.equal(r.status, 413);
    assertErrorBody(await r.json(), 'payload_too_large');
    const anon = await new Client(h.url).fetch('POST', '/api/v1/staff/S-1/photos', form);
    assert.equal(anon.status, 401);
    await anon.body?.cancel();
  });

  it('uploads with the wrong content type → 415; without files → 400', async () => {
    const json = await admin.json('POST', '/api/v1/recognise', { photo: 'x' });
    assert.equal(json.status, 415);
    const form = new FormData();
    form.append('note', 'no file here');
    const empty = await admin.fetch('POST', '/api/v1/recognise', form);
    assert.equal(empty.status, 400);
    assertErrorBody(await empty.json(), 'bad_request');
  });

  it('path traversal in image routes is refused', async () => {
    for (const p of [
      '/api/v1/crops/..%2F..%2Faccounts.json',
      '/api/v1/crops/..%2F..%2F..%2Fetc%2Fpasswd',
      '/api/v1/crops/customer~C-1~abc~..%2F..%2Fsettings',
      '/api/v1/crops/%2e%2e',
      '/api/v1/live/..%2Fdoor/snapshot',
    ]) {
      const r = await admin.json('GET', p);
      assert.ok(r.status === 400 || r.status === 404, `${p} → ${r.status}`);
      assert.ok(r.body?.error, `${p} has the error body`);
    }
    // A well-formed id that does not exist is a 404.
    const missing = await admin.json('GET', '/api/v1/crops/customer~C-000001~m0abc~0123456789');
    assert.equal(missing.status, 404);
    assertErrorBody(missing.body, 'not_found');
  });

  it('a real stored crop is served to signed-in users only', async () => {
    const photo = join(facesDataDir(), 'identities', 'penny');
    const { readdir } = await import('node:fs/promises');
    const file = join(photo, (await readdir(photo)).sort()[0]);
    const jpeg = await sharp(file).jpeg().toBuffer();
    const ref = await h.store.crops.save({ kind: 'customer', personId: 'C-000007' }, { jpeg });
    const r = await admin.fetch('GET', `/api/v1/crops/${encodeURIComponent(ref.id)}`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'image/jpeg');
    assert.match(r.headers.get('cache-control') ?? '', /private/);
    assert.deepEqual(Buffer.from(await r.arrayBuffer()), jpeg);
    const anon = await new Client(h.url).json('GET', `/api/v1/crops/${encodeURIComponent(ref.id)}`);
    assert.equal(anon.status, 401);
  });

  it('unknown ids → 404 with the error body', async () => {
    for (const [m, p, body] of [
      ['GET', '/api/v1/cameras/nope', undefined],
      ['PATCH', '/api/v1/cameras/nope', { name: 'x' }],
      ['DELETE', '/api/v1/cameras/nope', undefined],
      ['POST', '/api/v1/cameras/nope/test', undefined],
      ['PATCH', '/api/v1/users/00000000-0000-0000-0000-000000000000', { role: 'viewer' }],
      ['DELETE', '/api/v1/tokens/nope', undefined],
      ['DELETE', '/api/v1/mqtt/accounts/nobody', undefined],
      ['GET', '/api/v1/live/nope/snapshot', undefined],
      ['GET', '/api/v1/no/such/route', undefined],
    ] as const) {
      const r = await admin.json(m, p, body);
      assert.equal(r.status, 404, `${m} ${p}`);
      assertErrorBody(r.body, 'not_found');
    }
  });

  it('duplicates → 409 and the first stays', async () => {
    const r = await admin.json('POST', '/api/v1/cameras', { id: 'door', name: 'Other', url: 'rtsp://10.0.0.1/s' });
    assert.equal(r.status, 409);
    assertErrorBody(r.body, 'conflict');
    assert.equal(h.settings.get().cameras.find((c) => c.id === 'door')?.name, 'Door');
    const u1 = await admin.json('POST', '/api/v1/mqtt/accounts', { username: 'pos', password: 'pos-password-1', role: 'integration', canWrite: ['cva/bridge/request/#'] });
    assert.equal(u1.status, 201);
    const u2 = await admin.json('POST', '/api/v1/mqtt/accounts', { username: 'pos', password: 'pos-password-2', role: 'admin' });
    assert.equal(u2.status, 409);
    const list = await admin.json('GET', '/api/v1/mqtt/accounts');
    assert.deepEqual(list.body.items.map((a: any) => [a.username, a.role]), [['pos', 'integration']]);
    assert.ok(!JSON.stringify(list.body).includes('pos-password'));
  });

  it('modules not wired on this appliance answer 503 unavailable, never crash', async () => {
    // This appliance has no identity service wired.
    const r = await admin.json('GET', '/api/v1/staff');
    assert.equal(r.status, 503);
    assertErrorBody(r.body, 'unavailable');
  });
});

describe('concurrent edits', () => {
  const s = adminSuite();

  it('ten cameras added at once are all kept; the same id twice keeps one', async () => {
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => s.admin.json('POST', '/api/v1/cameras', { id: `cam${i}`, name: `Cam ${i}`, url: `rtsp://127.0.0.1:8554/${i}` })),
    );
    assert.deepEqual(results.map((r) => r.status), Array(10).fill(201));
    assert.equal(s.h.settings.get().cameras.length, 10);
    const twice = await Promise.all([0, 1].map(() => s.admin.json('POST', '/api/v1/cameras', { id: 'dup', name: 'Dup', url: 'rtsp://127.0.0.1:8554/d' })));
    assert.deepEqual(twice.map((r) => r.status).sort(), [201, 409]);
    assert.equal(s.h.settings.get().cameras.filter((c) => c.id === 'dup').length, 1);
  });
});
