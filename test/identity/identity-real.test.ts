import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { Identity } from '../../device/src/identity/identity.js';
import { analyzeEnrolPhotos } from '../../device/src/identity/enrolment.js';
import { CropStore } from '../../device/src/store/index.js';
import { finished, identityBench, photo, trackOf } from './face-fixture.js';

const BBT = ['amy', 'bernadette', 'howard', 'leonard', 'penny', 'raj', 'sheldon', 'stuart'];
const bench = identityBench('cva-identity-');
const face = bench.face;
/** Two real views of one photo: as taken and mirrored (a short track of one person). */
const both = async (rel: string) => [await face(rel), await face(rel, true)];

async function service(name: string, opts: ConstructorParameters<typeof Identity>[0] = {}) {
  const crops = await CropStore.open(join(bench.root(), name, 'crops'));
  const svc = new Identity({ dir: join(bench.root(), name, 'identity'), crops, ...opts });
  await svc.start();
  return { svc, crops };
}

test('staff: enrol 4 photos of each BBT character, the 5th is identified as the right staff member', async () => {
  const { svc } = await service('staff');
  const ids = new Map<string, string>();
  for (const who of BBT) {
    const created = await svc.people.createStaff(who);
    assert.ok(created.ok);
    ids.set(who, created.value.id);
    const photos = await analyzeEnrolPhotos(bench.engine(), [1, 2, 3, 4].map((n) => ({ source: `${n}.png`, data: photo(`${who}/${n}.png`) })));
    const report = await svc.people.enrolStaff(created.value.id, photos);
    assert.ok(report.ok);
    assert.equal(report.value.accepted, 4, `${who}: ${JSON.stringify(report.value.photos)}`);
  }
  assert.equal(svc.people.listStaff().length, 8);
  assert.ok(svc.people.listStaff().every((s) => s.samples === 4 && s.hasTemplate));
  for (const who of BBT) {
    const d = await svc.decider.decide(trackOf('cam1', `t-${who}`, await both(`${who}/5.png`), 1000));
    assert.equal(d.reason, 'matched', `${who}: ${JSON.stringify(d)}`);
    assert.equal(d.personId, ids.get(who));
    assert.equal(d.kind, 'staff');
    assert.equal(d.name, who);
    assert.ok(d.distance! <= svc.thresholds.assign);
    assert.ok(!d.runnerUp || d.runnerUp.distance - d.distance! >= svc.thresholds.margin);
  }
  // Nothing was added to any staff member by recognising them.
  assert.ok(svc.people.listStaff().every((s) => s.samples === 4));
  // Two faces in one frame are never the same person: with sheldon held by a face in the same frame,
  // sheldon's own track cannot be named sheldon.
  const excluded = await svc.decider.decide(trackOf('cam1', 't-x', await both('sheldon/5.png'), 2000, [ids.get('sheldon')!]));
  assert.notEqual(excluded.personId, ids.get('sheldon'));
  await svc.stop();
});

test('staff enrolment gives per-photo feedback and never stores a bad photo', async () => {
  const { svc } = await service('feedback');
  const created = await svc.people.createStaff('Sheldon');
  assert.ok(created.ok);
  const gray = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 120, g: 120, b: 120 } } }).png().toBuffer();
  const photos = await analyzeEnrolPhotos(bench.engine(), [
    { source: 'a.png', data: photo('sheldon/1.png') },
    { source: 'b.png', data: photo('sheldon/2.png') },
    { source: 'c.png', data: photo('sheldon/3.png') },
    { source: 'intruder.jpg', data: photo('biden/1.jpg') },
    { source: 'group.jpg', data: join(photo('..'), 'scenes', 'bbt4.jpg') },
    { source: 'wall.png', data: gray },
    { source: 'notes.txt', data: Buffer.from('this is not an image') },
  ]);
  const r = await svc.people.enrolStaff(created.value.id, photos);
  assert.ok(r.ok);
  const verdicts = Object.fromEntries(r.value.photos.map((p) => [p.source, p.verdict]));
  assert.deepEqual(verdicts, { 'a.png': 'accepted', 'b.png': 'accepted', 'c.png': 'accepted', 'intruder.jpg': 'outlier', 'group.jpg': 'several-faces', 'wall.png': 'no-face', 'notes.txt': 'unreadable' });
  assert.equal(r.value.samples, 3);
  // A face that is too small for the configured floor is refused with that reason.
  svc.setQualityGate({ minFaceSize: 400, minSharpness: 15 });
  const small = await svc.people.enrolStaff(created.value.id, await analyzeEnrolPhotos(bench.engine(), [{ source: 'd.png', data: photo('sheldon/4.png') }]));
  assert.ok(small.ok);
  assert.equal(small.value.photos[0].verdict, 'too-small');
  assert.equal(small.value.samples, 3);
  assert.equal((await svc.people.enrolStaff('S-999999', photos)).ok, false);
  await svc.stop();
});

test('customers: a C- id only after 2 consistent samples (one track, or two tracks); returning customers match', async () => {
  const { svc } = await service('customers');
  // A lone face (one good shot) never creates a customer by itself.
  const lone = trackOf('cam1', 'a', [await face('obama/1.jpg')], 1000);
  assert.equal(await finished(svc, lone, null), null);
  assert.equal(svc.people.listCustomers().length, 0);
  // A second lone face of the same person on another track: together they are 2 consistent samples.
  const second = trackOf('cam2', 'b', [await face('obama/2.jpg')], 5000);
  const formed = await finished(svc, second, null);
  assert.equal(formed?.reason, 'new-customer');
  assert.equal(formed?.personId, 'C-000001');
  assert.equal(formed?.kind, 'customer');
  assert.equal(formed?.name, null);
  const formedDetail = svc.people.getCustomer('C-000001');
  assert.ok(formedDetail.ok);
  assert.equal(formedDetail.value.samples, 2);
  // Returning: another photo of him, two views.
  const back = await svc.decider.decide(trackOf('cam1', 'c', await both('obama/3.jpg'), 90_000));
  assert.equal(back.reason, 'matched');
  assert.equal(back.personId, 'C-000001');
  // Someone else with two consistent faces in one track becomes a new customer at once.
  const biden = await svc.decider.decide(trackOf('cam1', 'd', await both('biden/1.jpg'), 100_000));
  assert.equal(biden.reason, 'new-customer');
  assert.equal(biden.personId, 'C-000002');
  // A track whose faces disagree (two different people) creates nobody.
  const mixed = await svc.decider.decide(trackOf('cam1', 'e', [await face('kit_harington/1.jpg'), await face('rose_leslie/1.jpg')], 110_000));
  assert.equal(mixed.personId, null);
  assert.equal(mixed.reason, 'inconsistent');
  assert.equal(svc.people.listCustomers().length, 2);
  // Retention asks who has not been seen since a cutoff (track times): only the first customer here.
  assert.deepEqual(svc.people.customersUnseenSince(50_000), ['C-000001']);
  await finished(svc, trackOf('cam1', 'c', await both('obama/3.jpg'), 90_000), back);
  assert.deepEqual(svc.people.customersUnseenSince(50_000), []);
  // A track that ends before identity got to it is still decided at its end, by the same rules.
  const late = await finished(svc, trackOf('cam3', 'f', await both('kit_harington/2.jpg'), 120_000), null);
  assert.equal(late?.reason, 'new-customer');
  assert.equal(late?.personId, 'C-000003');
  await svc.stop();
});

test('margin rule: two persons equally close → no name, a review item; review actions work', async () => {
  const { svc, crops } = await service('margin');
  const made = await svc.decider.decide(trackOf('cam1', 'a', [...(await both('obama/1.jpg')), await face('obama/7.jpg')], 1000));
  assert.equal(made.personId, 'C-000001');
  // Split one view off: now two customer ids hold nearly the same face.
  const samples = svc.people.getCustomer('C-000001');
  assert.ok(samples.ok);
  const split = await svc.people.splitCustomer('C-000001', [samples.value.sampleList[0].sampleId]);
  assert.ok(split.ok);
  const probe = trackOf('cam1', 'b', await both('obama/5-small.jpg'), 2000);
  probe.shots[0].face.crop = { jpeg: await readFile(photo('obama/5-small.jpg')) };
  const d = await svc.decider.decide(probe);
  assert.equal(d.personId, null, JSON.stringify(d));
  assert.equal(d.reason, 'uncertain');
  assert.equal(await finished(svc, probe, d), null);
  const [item] = svc.people.listReview();
  assert.ok(item);
  assert.equal(item.reason, 'small-margin');
  assert.deepEqual(new Set(item.candidates.map((c) => c.personId)), new Set(['C-000001', split.value.newId]));
  assert.ok(item.cropId && (await crops.read(item.cropId)));
  // Assign: the item's faces join the chosen person; the crop moves with them.
  const before = svc.people.getCustomer('C-000001');
  const assigned = await svc.people.assignReview(item.id, 'C-000001');
  assert.ok(assigned.ok);
  const afterAssign = svc.people.getCustomer('C-000001');
  assert.ok(before.ok && afterAssign.ok);
  assert.equal(afterAssign.value.samples, before.value.samples + assigned.value.added);
  assert.equal(svc.people.listReview().length, 0);
  assert.equal((await crops.list({ personId: 'C-000001' })).length >= 1, true);
  // Unknown review ids are a typed not-found and change nothing.
  const missing = await svc.people.dismissReview('R-000999');
  assert.equal(!missing.ok && missing.error.code, 'not-found');

  // "Not this person" on a review item: remembered as a negative, so that face stops being offered as them.
  const probe2 = trackOf('cam1', 'c', await both('obama/6-partial.jpg'), 3000);
  const d2 = await svc.decider.decide(probe2);
  assert.equal(d2.reason, 'uncertain', JSON.stringify(d2));
  await finished(svc, probe2, d2);
  const [item2] = svc.people.listReview();
  const wrong = item2.candidates[0].personId;
  const said = await svc.people.notThisPersonReview(item2.id);
  assert.ok(said.ok);
  assert.equal(said.value.personId, wrong);
  assert.equal(svc.people.listReview().length, 0);
  const d3 = await svc.decider.decide(trackOf('cam1', 'd', await both('obama/6-partial.jpg'), 4000));
  assert.notEqual(d3.personId, wrong);
  // Dismiss drops an item and its crop, nothing else.
  const probe3 = trackOf('cam1', 'e', await both('obama/4-240p.jpg'), 5000);
  probe3.shots[0].face.crop = { jpeg: await readFile(photo('obama/4-240p.jpg')) };
  const d4 = await svc.decider.decide(probe3);
  assert.equal(d4.reason, 'uncertain', JSON.stringify(d4));
  await finished(svc, probe3, d4);
  const [item3] = svc.people.listReview();
  const people = svc.people.listCustomers();
  assert.ok((await svc.people.dismissReview(item3.id)).ok);
  assert.equal(await crops.read(item3.cropId!), null);
  assert.deepEqual(svc.people.listCustomers(), people);
  await svc.stop();
});

test('gallery cap: quality-based replacement keeps the best samples', async () => {
  const { svc } = await service('cap', { customerSamplesCap: 3 });
  const first = trackOf('cam1', 'a', [await face('obama/2.jpg'), await face('obama/3.jpg'), await face('obama/7.jpg')], 1000);
  const d = await svc.decider.decide(first);
  assert.equal(d.personId, 'C-000001');
  const q0 = svc.people.getCustomer('C-000001');
  assert.ok(q0.ok);
  assert.equal(q0.value.samples, 3);
  const minBefore = Math.min(...q0.value.sampleList.map((s) => s.quality));
  // A returning visit with better faces: they replace the worst ones, the count stays at the cap.
  const again = trackOf('cam1', 'b', await both('obama/1.jpg'), 50_000);
  const m = await svc.decider.decide(again);
  assert.equal(m.reason, 'matched');
  await finished(svc, again, m);
  const q1 = svc.people.getCustomer('C-000001');
  assert.ok(q1.ok);
  assert.equal(q1.value.samples, 3);
  assert.ok(Math.min(...q1.value.sampleList.map((s) => s.quality)) > minBefore);
  await svc.stop();
});

test('merge, not-this-person, forget, and a persistence round-trip', async () => {
  const dir = 'lifecycle';
  let { svc, crops } = await service(dir);
  const a = trackOf('cam1', 'a', await both('kit_harington/1.jpg'), 1000);
  a.shots.forEach((s) => (s.face.crop = { frame: { data: new Uint8Array(64 * 64 * 3).fill(128), width: 64, height: 64, stride: 192 }, box: { x: 8, y: 8, width: 40, height: 40 } }));
  const ka = await svc.decider.decide(a);
  const kb = await svc.decider.decide(trackOf('cam1', 'b', await both('rose_leslie/1.jpg'), 2000));
  assert.equal(ka.personId, 'C-000001');
  assert.equal(kb.personId, 'C-000002');
  assert.equal((await crops.list({ personId: 'C-000001' })).length, 2);
  // Staff cannot be merged into a customer; a customer can be merged into another.
  const staff = await svc.people.createStaff('Kit');
  assert.ok(staff.ok);
  const bad = await svc.people.merge('C-000001', [staff.value.id]);
  assert.equal(!bad.ok && bad.error.code, 'invalid');
  // Split declares two ids different; merging them back is refused.
  const c1 = svc.people.getCustomer('C-000001');
  assert.ok(c1.ok);
  const sp = await svc.people.splitCustomer('C-000001', [c1.value.sampleList[1].sampleId]);
  assert.ok(sp.ok);
  const refused = await svc.people.merge('C-000001', [sp.value.newId]);
  assert.equal(!refused.ok && refused.error.code, 'conflict');
  const merged = await svc.people.merge('C-000002', [sp.value.newId]);
  assert.ok(merged.ok);
  assert.equal(svc.people.getCustomer(sp.value.newId).ok, false);
  // Notes are the only free text on a customer; customers never get names.
  assert.ok((await svc.people.setCustomerNote('C-000002', 'likes the window seat')).ok);
  assert.equal((await svc.people.setCustomerNote('C-000002', 'x'.repeat(600))).ok, false);
  assert.equal(svc.people.personInfo('C-000002')?.name, null);
  // Not this person: the sample goes and its face stops matching that person.
  const c2 = svc.people.getCustomer('C-000002');
  assert.ok(c2.ok);
  const kitSample = c2.value.sampleList.find((s) => s.sampleId === c1.value.sampleList[1].sampleId)!;
  assert.ok((await svc.people.notThisPerson('C-000002', kitSample.sampleId)).ok);
  const kitAgain = await svc.decider.decide(trackOf('cam1', 'c', await both('kit_harington/1.jpg'), 3000));
  assert.notEqual(kitAgain.personId, 'C-000002');

  // Persistence: everything survives a restart, and ids are never reused.
  const before = { staff: svc.people.listStaff(), customers: svc.people.listCustomers(), review: svc.people.listReview() };
  await svc.stop();
  ({ svc, crops } = await service(dir));
  assert.deepEqual(svc.people.listStaff(), before.staff);
  assert.deepEqual(svc.people.listCustomers(), before.customers);
  assert.deepEqual(svc.people.listReview(), before.review);
  const rose = await svc.decider.decide(trackOf('cam1', 'd', await both('rose_leslie/2.jpg'), 4000));
  assert.equal(rose.personId, 'C-000002');
  const fresh = await svc.decider.decide(trackOf('cam1', 'e', await both('penny/1.png'), 5000));
  assert.equal(fresh.personId, 'C-000004', 'C-000003 was used by the split and is never reused');

  // Forget: embeddings, crops and the person are gone, and the face is a stranger again.
  const f = await svc.people.forget('C-000001');
  assert.ok(f.ok);
  assert.ok(f.value.samples >= 1);
  assert.equal((await crops.list({ personId: 'C-000001' })).length, 0);
  assert.equal(svc.people.getCustomer('C-000001').ok, false);
  assert.equal((await svc.people.forget('C-000001')).ok, false);
  await svc.stop();
});
