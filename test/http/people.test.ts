import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { FaceEngine } from '../../device/src/vision/engine.js';
import type { Identity } from '../../device/src/identity/identity.js';
import type { TrackSummary } from '../../device/src/tracking/types.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { Client, setUpAdmin, userClient } from './harness.js';
import { startIdentityHarness, type IdentityHarness } from './identity-harness.js';

const photo = (who: string, n: number) => join(facesDataDir(), 'identities', who, `${n}.png`);

async function form(field: string, files: { name: string; data: Buffer; type?: string }[]): Promise<FormData> {
  const f = new FormData();
  for (const file of files) f.append(field, new Blob([new Uint8Array(file.data)], { type: file.type ?? 'image/png' }), file.name);
  return f;
}

describe('staff, customers and review on the real identity service and face engine', () => {
  let h: IdentityHarness;
  let admin: Client;
  let engine: FaceEngine;
  let identity: Identity;
  let staffId: string;

  /** A track of real photos of one person, as the tracker would summarise it. */
  async function track(who: string, ns: number[], trackId: string): Promise<TrackSummary> {
    const shots = [];
    for (const n of ns) {
      const [face] = await engine.analyze(photo(who, n));
      shots.push({ face, at: Date.now(), weight: 1 });
    }
    return {
      cameraId: 'door', trackId, firstSeenAt: Date.now() - 2000, lastSeenAt: Date.now(), firstBox: shots[0].face.box, lastBox: shots[shots.length - 1].face.box, detections: ns.length,
      goodFaces: ns.length, shots, concurrentPersonIds: [], ageMedian: null, gender: null, genderConfidence: null,
    };
  }

  before(async () => {
    h = await startIdentityHarness();
    ({ engine, identity } = h);
    admin = await setUpAdmin(h);
  });
  after(() => h.close());

  it('creates a staff member and enrols real photos with feedback per photo', async () => {
    const created = await admin.json('POST', '/api/v1/staff', { name: 'Penny' });
    assert.equal(created.status, 201);
    staffId = created.body.id;
    const files = [];
    for (const n of [1, 2, 3, 4]) files.push({ name: `penny-${n}.png`, data: await readFile(photo('penny', n)) });
    files.push({ name: 'notes.jpg', data: Buffer.from('this is not a picture'), type: 'image/jpeg' });
    files.push({ name: 'group.jpg', data: await readFile(join(facesDataDir(), 'scenes', 'two_people.jpg')), type: 'image/jpeg' });
    const r = await admin.fetch('POST', `/api/v1/staff/${staffId}/photos`, await form('photos', files));
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    const verdict = Object.fromEntries(body.photos.map((p: any) => [p.source, p.verdict]));
    assert.equal(verdict['notes.jpg'], 'unreadable');
    assert.equal(verdict['group.jpg'], 'several-faces');
    assert.ok(body.accepted >= 3, JSON.stringify(body.photos));
    assert.equal(body.samples, body.accepted);

    const detail = await admin.json('GET', `/api/v1/staff/${staffId}`);
    assert.equal(detail.body.samples, body.accepted);
    const cropId = detail.body.sampleList.find((s: any) => s.cropId)?.cropId;
    assert.ok(cropId, 'enrolment keeps a face crop');
    const crop = await admin.fetch('GET', `/api/v1/crops/${encodeURIComponent(cropId)}`);
    assert.equal(crop.status, 200);
    assert.equal((await sharp(Buffer.from(await crop.arrayBuffer())).metadata()).format, 'jpeg');

    const audit = (await admin.json('GET', '/api/v1/audit?limit=50')).body.items;
    assert.ok(audit.some((e: any) => e.action === 'staff.enrolled' && e.target === staffId && e.details.accepted === body.accepted));
  });

  it('test recognition finds the staff member in a photo not used for enrolment', async () => {
    const viewer = await userClient(h, admin, 'vik', 'viewer');
    const probe = await form('photo', [{ name: 'penny-5.png', data: await readFile(photo('penny', 5)) }]);
    assert.equal((await viewer.fetch('POST', '/api/v1/recognise', probe)).status, 403, 'viewers cannot see people');
    const r = await admin.fetch('POST', '/api/v1/recognise', probe);
    const body = await r.json();
    assert.equal(r.status, 200, JSON.stringify(body));
    assert.equal(body.faces.length, 1);
    assert.deepEqual([body.faces[0].personId, body.faces[0].kind, body.faces[0].name], [staffId, 'staff', 'Penny']);
    const stranger = await admin.fetch('POST', '/api/v1/recognise', await form('photo', [{ name: 'raj.png', data: await readFile(photo('raj', 1)) }]));
    const sb = await stranger.json();
    assert.notEqual(sb.faces[0].personId, staffId);
    const junk = await admin.fetch('POST', '/api/v1/recognise', await form('photo', [{ name: 'x.png', data: Buffer.from('nope') }]));
    assert.equal(junk.status, 400);
  });

  it('renames staff; unknown staff ids are 404 and enrolment for them changes nothing', async () => {
    assert.equal((await admin.json('PATCH', `/api/v1/staff/${staffId}`, { name: 'Penny H.' })).body.name, 'Penny H.');
    const r = await admin.fetch('POST', '/api/v1/staff/S-999999/photos', await form('photos', [{ name: 'a.png', data: await readFile(photo('penny', 5)) }]));
    assert.equal(r.status, 404);
    assert.equal((await admin.json('GET', '/api/v1/staff/S-999999')).status, 404);
  });

  it('customers from real tracks: list, note, split, merge, forget', async () => {
    const a = await identity.decider.decide(await track('raj', [1, 2, 3], 't1'));
    const b = await identity.decider.decide(await track('howard', [1, 2, 3], 't2'));
    assert.equal(a.kind, 'customer');
    assert.equal(b.kind, 'customer');
    const list = await admin.json('GET', '/api/v1/customers?limit=1');
    assert.equal(list.status, 200);
    assert.equal(list.body.items.length, 1);
    const page2 = await admin.json('GET', `/api/v1/customers?limit=1&cursor=${list.body.nextCursor}`);
    assert.equal(page2.body.items.length, 1);
    assert.deepEqual([list.body.items[0].id, page2.body.items[0].id].sort(), [a.personId, b.personId].sort());
    assert.equal((await admin.json('GET', '/api/v1/customers?cursor=garbage')).status, 400);

    const note = await admin.json('PATCH', `/api/v1/customers/${a.personId}`, { note: 'likes tea' });
    assert.equal(note.body.note, 'likes tea');
    const detail = (await admin.json('GET', `/api/v1/customers/${a.personId}`)).body;
    assert.ok(detail.sampleList.length >= 2);
    const split = await admin.json('POST', `/api/v1/customers/${a.personId}/split`, { sampleIds: [detail.sampleList[0].sampleId] });
    assert.equal(split.status, 201, JSON.stringify(split.body));
    assert.notEqual(split.body.id, a.personId);
    assert.equal(split.body.samples, 1);

    const merge = await admin.json('POST', `/api/v1/customers/${a.personId}/merge`, { from: [b.personId] });
    assert.equal(merge.status, 200, JSON.stringify(merge.body));
    assert.deepEqual(merge.body.merged, [b.personId]);
    assert.equal((await admin.json('GET', `/api/v1/customers/${b.personId}`)).status, 404);
    // The split-off sample was declared a different person: merging it back is refused, nothing changes.
    const back = await admin.json('POST', `/api/v1/customers/${a.personId}/merge`, { from: [split.body.id] });
    assert.equal(back.status, 409);
    assert.equal((await admin.json('GET', `/api/v1/customers/${split.body.id}`)).status, 200);

    const forgot = await admin.json('DELETE', `/api/v1/customers/${a.personId}`);
    assert.equal(forgot.status, 200);
    assert.ok(forgot.body.samples >= 2);
    assert.equal((await admin.json('GET', `/api/v1/customers/${a.personId}`)).status, 404);
    assert.equal((await admin.json('DELETE', `/api/v1/customers/${staffId}`)).status, 404, 'staff are not forgotten through /customers');
    const audit = (await admin.json('GET', '/api/v1/audit?limit=100')).body.items.map((e: any) => e.action);
    for (const action of ['customer.updated', 'customer.split', 'customer.merged', 'customer.forgotten']) assert.ok(audit.includes(action), action);
  });

  it('review queue: lists items and answers 404 for unknown ones', async () => {
    const r = await admin.json('GET', '/api/v1/review');
    assert.equal(r.status, 200);
    assert.ok(Array.isArray(r.body.items));
    assert.equal((await admin.json('POST', '/api/v1/review/R-000999/dismiss')).status, 404);
    assert.equal((await admin.json('POST', '/api/v1/review/R-000999/assign', { personId: staffId })).status, 404);
  });

  it('removing a staff member forgets their samples: they are not recognised any more', async () => {
    const r = await admin.json('DELETE', `/api/v1/staff/${staffId}`);
    assert.equal(r.status, 200);
    assert.ok(r.body.samples >= 3);
    const probe = await admin.fetch('POST', '/api/v1/recognise', await form('photo', [{ name: 'p.png', data: await readFile(photo('penny', 5)) }]));
    const body = await probe.json();
    assert.notEqual(body.faces[0].personId, staffId);
    assert.equal((await admin.json('GET', '/api/v1/staff')).body.items.length, 0);
  });
});
