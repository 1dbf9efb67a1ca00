// Review groups, batch actions, per-track caps, enrol from seen faces and the forget preview, over HTTP on the
// real identity service fed with real faces (the shared photos through the real face engine).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { join } from 'node:path';
import { IdentityService } from '../../device/src/identity/identity-service.js';
import { bindIdentity } from '../../device/src/services/bindings.js';
import { bindEnrolment } from '../../device/src/services/enrol-service.js';
import { bindForgetPreview } from '../../device/src/services/forget-preview.js';
import { bindReviewGroups } from '../../device/src/services/review-groups-service.js';
import { identityBench, photo, trackOf } from '../identity/face-fixture.js';
import { Client, setUpAdmin, startHarness, userClient, type Harness } from './harness.js';

const bench = identityBench('cva-review-groups-');
/** Crops are kept as JPEG: the shared PNGs are converted, as a camera frame would be. */
const jpegOf = async (rel: string) => sharp(photo(rel)).jpeg().toBuffer();
const both = async (rel: string) => [await bench.face(rel), await bench.face(rel, true)];

describe('review groups, batch actions, enrol from seen faces and the forget preview', () => {
  let h: Harness;
  let admin: Client;
  let identity: IdentityService;
  let customer: string;
  let twin: string;
  let t = 10_000;

  /** A real track of one Obama photo that identity cannot name (two customer ids hold nearly his face): a review item. */
  async function uncertainTrack(rel: string, trackId: string): Promise<void> {
    const probe = trackOf('door', trackId, await both(rel), (t += 1000));
    probe.shots[0].face.crop = { jpeg: await jpegOf(rel) };
    const d = await identity.decide(probe);
    assert.equal(d.reason, 'uncertain', `${rel}: ${JSON.stringify(d)}`);
    await identity.finish(probe, d);
  }

  /** Two customer ids holding nearly the same face (one customer, one sample split off): their person's next faces are uncertain. */
  async function twins(first: string[]): Promise<[string, string]> {
    const faces = [await bench.face(first[0]), await bench.face(first[0], true), ...(await Promise.all(first.slice(1).map((f) => bench.face(f))))];
    const track = trackOf('door', `twin-${t}`, faces, (t += 1000));
    track.shots[0].face.crop = { jpeg: await jpegOf(first[0]) };
    const made = await identity.decide(track);
    assert.equal(made.reason, 'new-customer', JSON.stringify(made));
    const detail = identity.getCustomer(made.personId!);
    assert.ok(detail.ok);
    const split = await identity.splitCustomer(made.personId!, [detail.value.sampleList[0].sampleId]);
    assert.ok(split.ok);
    return [made.personId!, split.value.newId];
  }

  before(async () => {
    h = await startHarness({
      late: async (hh) => {
        identity = new IdentityService({ dir: join(hh.dir, 'identity'), crops: hh.store.crops });
        await identity.start();
        return {
          ...bindIdentity(identity, bench.engine()),
          reviewGroups: bindReviewGroups(identity, 1),
          captures: bindEnrolment(null, identity),
          forgetPreview: bindForgetPreview(identity, hh.store.crops, null),
        };
      },
    });
    admin = await setUpAdmin(h);
    [customer, twin] = await twins(['obama/1.jpg', 'obama/7.jpg']);
  });
  after(async () => {
    await h.close();
    await identity.stop();
  });

  it('groups items about the same suggested person, with the thumbnail and score, and caps what one track adds', async () => {
    await uncertainTrack('obama/5-small.jpg', 'b1');
    await uncertainTrack('obama/6-partial.jpg', 'b2');
    await uncertainTrack('obama/4-240p.jpg', 'b3');
    // The same track judged again (e.g. after a view change) adds nothing past its cap of one item.
    await uncertainTrack('obama/5-small.jpg', 'b1');
    const flat = await admin.json('GET', '/api/v1/review');
    assert.equal(flat.body.items.length, 3, JSON.stringify(flat.body.items.map((i: any) => i.trackId)));

    const r = await admin.json('GET', '/api/v1/review/groups');
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.totalItems, 3);
    assert.equal(r.body.perTrackCap, 1);
    assert.equal(r.body.groups.reduce((n: number, g: any) => n + g.items.length, 0), 3, 'every item is in exactly one group');
    for (const g of r.body.groups) {
      assert.equal(g.kind, 'suggested');
      assert.ok([customer, twin].includes(g.person.id), JSON.stringify(g.person));
      assert.equal(g.person.kind, 'customer');
      assert.equal(g.person.name, null, 'customers are never named');
      assert.ok(g.score > 0 && g.score <= 1);
      const topOf = new Map(flat.body.items.map((i: any) => [i.id, i.candidates[0].personId]));
      for (const i of g.items) assert.equal(topOf.get(i.id), g.person.id, 'a group holds only items suggesting its person');
      const distances = g.items.map((i: any) => i.distance);
      assert.deepEqual(distances, [...distances].sort((a, b) => a - b), 'closest first');
    }
    for (const g of r.body.groups) {
      const kept = (await admin.json('GET', `/api/v1/customers/${g.person.id}`)).body.sampleList.map((x: any) => x.cropId).filter(Boolean);
      assert.equal(g.person.cropId !== null, kept.length > 0, 'a thumbnail whenever the person has a crop');
      if (g.person.cropId) {
        assert.ok(kept.includes(g.person.cropId));
        assert.equal((await admin.fetch('GET', `/api/v1/crops/${g.person.cropId}`)).status, 200);
      }
    }
    assert.ok(r.body.groups.some((g: any) => g.person.cropId), 'the twin holding the first face shows it');
    const viewer = await userClient(h, admin, 'vera', 'viewer');
    assert.equal((await viewer.json('GET', '/api/v1/review/groups')).status, 403);
    assert.equal((await viewer.json('POST', '/api/v1/review/batch', { action: 'dismiss', itemIds: [flat.body.items[0].id] })).status, 403);
  });

  it('acts on a whole group: assign all, per-item failures reported; bad batches are 400 and change nothing', async () => {
    const before = (await admin.json('GET', '/api/v1/review')).body.items;
    for (const bad of [
      { action: 'assign', itemIds: [before[0].id] },
      { action: 'explode', itemIds: [before[0].id] },
      { action: 'dismiss', itemIds: [] },
      { action: 'dismiss', itemIds: ['../etc'] },
    ]) {
      const r = await admin.json('POST', '/api/v1/review/batch', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
    }
    assert.equal((await admin.json('GET', '/api/v1/review')).body.items.length, before.length);

    const samplesBefore = identity.getCustomer(customer);
    assert.ok(samplesBefore.ok);
    const ids = before.map((i: any) => i.id);
    const r = await admin.json('POST', '/api/v1/review/batch', { action: 'assign', itemIds: [...ids, 'R-000999'], personId: customer });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(r.body.done.map((d: any) => d.id).sort(), [...ids].sort());
    assert.ok(r.body.done.every((d: any) => d.personId === customer));
    assert.deepEqual(r.body.failed.map((f: any) => f.id), ['R-000999']);
    const samplesAfter = identity.getCustomer(customer);
    assert.ok(samplesAfter.ok && samplesAfter.value.samples > samplesBefore.value.samples);
    assert.equal((await admin.json('GET', '/api/v1/review/groups')).body.totalItems, 0);
    const audit = (await admin.json('GET', '/api/v1/audit?limit=20')).body.items;
    assert.ok(audit.some((e: any) => e.action === 'review.assigned' && e.details.items === ids.length));
  });

  it('items whose candidates are gone are grouped by face similarity; dismiss a whole group', async () => {
    const [a, b] = await twins(['penny/2.png', 'penny/3.png']);
    for (const n of [1, 4, 5]) await uncertainTrack(`penny/${n}.png`, `s${n}`);
    assert.equal(identity.listReview().length, 3);
    // The suggested persons are forgotten: the items name nobody now, and are grouped by how alike their faces are.
    await identity.forget(a);
    await identity.forget(b);
    const r = (await admin.json('GET', '/api/v1/review/groups')).body;
    assert.equal(r.groups.reduce((n: number, g: any) => n + g.items.length, 0), 3);
    assert.ok(r.groups.every((g: any) => g.kind === 'unknown' && g.person === null && g.score === null));
    assert.ok(r.groups.length < 3, `three faces of one man form fewer than three groups: ${JSON.stringify(r.groups.map((g: any) => g.items.length))}`);
    const all = r.groups.flatMap((g: any) => g.items.map((i: any) => i.id));
    const d = await admin.json('POST', '/api/v1/review/batch', { action: 'dismiss', itemIds: all });
    assert.equal(d.body.done.length, 3);
    assert.equal(identity.listReview().length, 0);
  });

  it('enrols a staff member from faces the box already saw: review items, a customer, some samples of a customer', async () => {
    const staff = (await admin.json('POST', '/api/v1/staff', { name: 'Amy' })).body;
    // Amy was seen as two customers (a look-alike pair) and once as a face nobody could name: all of it is her.
    const [amy, amyTwin] = await twins(['amy/2.png', 'amy/3.png']);
    await uncertainTrack('amy/5.png', 'd1');
    const [item] = identity.listReview();
    assert.ok(item);
    const c = identity.getCustomer(amy);
    assert.ok(c.ok);
    const moved = c.value.sampleList[0].sampleId;

    for (const bad of [{}, { reviewIds: [] }, { customerIds: ['C-000001'], extra: 1 }]) {
      assert.equal((await admin.json('POST', `/api/v1/staff/${staff.id}/enrol-seen`, bad)).status, 400, JSON.stringify(bad));
    }
    assert.equal((await admin.json('POST', '/api/v1/staff/S-999999/enrol-seen', { reviewIds: [item.id] })).status, 404);
    assert.equal(identity.listReview().length, 1, 'a refused request changed nothing');

    const sources = [amyTwin];
    const r = await admin.json('POST', `/api/v1/staff/${staff.id}/enrol-seen`, {
      reviewIds: [item.id, 'R-000998'],
      customerIds: sources,
      customerSamples: [{ customerId: amy, sampleIds: [moved] }],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const byKind = (k: string) => r.body.sources.filter((s: any) => s.kind === k);
    assert.equal(byKind('review')[0].ok, true);
    assert.ok(byKind('review')[0].added >= 1);
    assert.equal(byKind('review')[1].ok, false, 'an unknown review item is reported, the rest still done');
    assert.equal(byKind('customer-samples')[0].ok, true, JSON.stringify(r.body.sources));
    assert.equal(byKind('customer-samples')[0].added, 1);
    assert.equal(byKind('customer')[0].ok, true, JSON.stringify(r.body.sources));
    assert.ok(byKind('customer')[0].added >= 1);
    const total = r.body.sources.reduce((n: number, s: any) => n + s.added, 0);
    assert.equal(r.body.samples, total);
    for (const id of sources) assert.equal((await admin.json('GET', `/api/v1/customers/${id}`)).status, 404, 'a merged customer is gone');
    const after = identity.getCustomer(amy);
    assert.ok(after.ok && !after.value.sampleList.some((s) => s.sampleId === moved), 'the moved sample left the customer');

    // The staff member is now recognised in a photo not used, and listed with a thumbnail.
    const f = new FormData();
    f.append('photo', new Blob([new Uint8Array(await readFile(photo('amy/4.png')))], { type: 'image/png' }), '4.png');
    const rec = await (await admin.fetch('POST', '/api/v1/recognise', f)).json();
    assert.equal(rec.faces[0].personId, staff.id, JSON.stringify(rec));
    const listed = (await admin.json('GET', '/api/v1/staff')).body.items.find((s: any) => s.id === staff.id);
    assert.ok(listed.photoCropId, 'a thumbnail crop from the review item');
  });

  it('the forget preview says exactly what forgetting removes, changes nothing, and matches what forget then does', async () => {
    const preview = await admin.json('GET', `/api/v1/people/${customer}/forget-preview`);
    assert.equal(preview.status, 200, JSON.stringify(preview.body));
    assert.equal(preview.body.kind, 'customer');
    assert.ok(preview.body.samples >= 1);
    assert.ok(preview.body.removes.some((s: string) => s.includes(`${preview.body.samples} face sample`)));
    assert.ok(preview.body.keeps.length >= 1);
    assert.equal((await admin.json('GET', `/api/v1/customers/${customer}`)).status, 200, 'the preview removed nothing');
    assert.equal((await admin.json('GET', '/api/v1/people/C-999999/forget-preview')).status, 404);
    assert.equal((await admin.json('GET', '/api/v1/people/..%2Fx/forget-preview')).status, 400);
    const gone = await admin.json('DELETE', `/api/v1/customers/${customer}`);
    assert.equal(gone.status, 200);
    assert.equal(gone.body.samples, preview.body.samples);
    assert.ok(gone.body.crops <= preview.body.crops, `${gone.body.crops} crops removed, ${preview.body.crops} announced`);
  });
});
