import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import type { FaceEngine } from '../../device/src/vision/engine.js';
import { identifyFrame, toGallery, type GalleryFile } from '../../device/src/identity/gallery-file.js';
import { primaryFace } from '../../device/src/vision/primary-face.js';
import { ImageDecodeError } from '../../device/src/vision/image.js';
import { euclidean, SAME_PERSON_MAX_DISTANCE } from '../../device/src/vision/similarity.js';
import { FEMALE, identity, identityPhotos, releaseEngine, scene, sharedEngine } from './fixtures.js';

let engine: FaceEngine;
before(async () => { engine = await sharedEngine(); });
after(releaseEngine);

describe('FaceEngine on the shared scenes', () => {
  // labels.csv is a lower bound: bbt2 and obama_and_biden have one real unlabelled face each (models.md §2.1)
  const expected: Record<string, number> = {
    'bbt1.jpg': 4, 'bbt2.jpg': 3, 'bbt3.jpg': 5, 'bbt4.jpg': 6, 'bbt5.jpg': 5,
    'kit_with_rose.jpg': 2, 'obama_and_biden.jpg': 3, 'two_people.jpg': 2,
  };
  for (const [file, n] of Object.entries(expected)) {
    it(`finds ${n} faces in ${file}`, async () => {
      const faces = await engine.analyze(scene(file), { ageGender: false });
      assert.equal(faces.length, n);
      for (const f of faces) {
        assert.equal(f.landmarks.length, 68);
        assert.equal(f.embedding.length, 128);
        assert.ok(f.score >= 0.8 && f.quality.size > 0 && f.quality.frontal > 0 && f.quality.frontal <= 1);
      }
    });
  }

  it('a photo with no face gives no face (not an error)', async () => {
    const noFace = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#6080a0' } })
      .composite([{ input: await sharp(scene('bbt4.jpg')).extract({ left: 0, top: 400, width: 300, height: 73 }).toBuffer(), left: 100, top: 200 }])
      .jpeg().toBuffer();
    assert.deepEqual(await engine.analyze(noFace), []);
  });

  it('rejects bad input with ImageDecodeError and keeps working', async () => {
    await assert.rejects(engine.analyze(Buffer.from('not an image')), (e: unknown) => e instanceof ImageDecodeError && e.kind === 'not-an-image');
    await assert.rejects(engine.analyze({ data: new Uint8Array(3), width: 10, height: 10, stride: 30 }), ImageDecodeError);
    assert.equal((await engine.analyze(scene('two_people.jpg'))).length, 2);
  });

  it('a raw RGB frame with a padded stride gives the same faces as the photo', async () => {
    const { data, info } = await sharp(scene('kit_with_rose.jpg')).raw().toBuffer({ resolveWithObject: true });
    const stride = info.width * 3 + 4;
    const padded = new Uint8Array(stride * info.height);
    for (let y = 0; y < info.height; y++) padded.set(data.subarray(y * info.width * 3, (y + 1) * info.width * 3), y * stride);
    const fromFrame = await engine.analyze({ data: padded, width: info.width, height: info.height, stride }, { ageGender: false });
    const fromFile = await engine.analyze(await readFile(scene('kit_with_rose.jpg')), { ageGender: false });
    assert.equal(fromFrame.length, 2);
    for (let i = 0; i < 2; i++) assert.ok(euclidean(fromFrame[i].embedding, fromFile[i].embedding) < 0.05);
  });

  it('a tight crop where the face fills the frame is found by padding (leonard/5)', async () => {
    const frame = await engine.toFrame(identity('leonard', '5.png'));
    assert.equal((await engine.detect(frame)).length, 0, 'the unpadded crop defeats the detector');
    const faces = await engine.analyze(frame);
    assert.equal(faces.length, 1);
    const f = faces[0];
    // coordinates are mapped back to the crop: the eyes are inside it (the jaw line may run past its edges)
    assert.ok(f.box.x > -frame.width * 0.2 && f.box.x + f.box.width < frame.width * 1.2);
    const eyes = f.landmarks.slice(36, 48);
    assert.ok(eyes.every((p) => p.x > 0 && p.x < frame.width && p.y > 0 && p.y < frame.height), JSON.stringify(eyes));
  });
});

describe('identification and age/gender on the identity photos', () => {
  const photos = identityPhotos();
  let analysed: Array<{ person: string; file: string; face: NonNullable<ReturnType<typeof primaryFace<Awaited<ReturnType<FaceEngine['analyze']>>[number]>>> }> = [];

  before(async () => {
    analysed = [];
    for (const p of photos) {
      const face = primaryFace(await engine.analyze(p.path));
      assert.ok(face, `no face in ${p.person}/${p.file}`);
      analysed.push({ person: p.person, file: p.file, face });
    }
  });

  it('every identity photo has a face, and leave-one-out nearest neighbour is right for all 57 probes', () => {
    assert.equal(analysed.length, 58);
    let correct = 0, total = 0;
    for (const probe of analysed) {
      if (analysed.filter((a) => a.person === probe.person).length < 2) continue;
      total++;
      const nearest = analysed.filter((a) => a !== probe)
        .reduce((b, a) => (euclidean(a.face.embedding, probe.face.embedding) < euclidean(b.face.embedding, probe.face.embedding) ? a : b));
      if (nearest.person === probe.person) correct++;
    }
    assert.equal(total, 57);
    assert.equal(correct, 57);
  });

  it('gender is right on at least 56 of the 58 photos, and ages are plausible', () => {
    const right = analysed.filter((a) => a.face.gender?.value === (FEMALE.has(a.person) ? 'female' : 'male')).length;
    assert.ok(right >= 56, `gender right on ${right}/58`);
    for (const a of analysed) assert.ok(a.face.age !== null && a.face.age > 12 && a.face.age < 90, `${a.person}/${a.file}: age ${a.face.age}`);
    const biden = analysed.filter((a) => a.person === 'biden').map((a) => a.face.age!);
    const bbt = analysed.filter((a) => a.file.endsWith('.png') && a.person !== 'lin_manuel_miranda').map((a) => a.face.age!);
    assert.ok(Math.min(...biden) > 55, `Biden (66+ in these photos) estimated ${biden.join(', ')}`);
    assert.ok(bbt.reduce((s, x) => s + x, 0) / bbt.length < 45, 'the TV cast (late 20s–30s) reads younger than Biden');
  });

  it('enrolled identities name every labelled scene face, in order, with at most one wrong name', async () => {
    const people = new Map<string, GalleryFile['people'][number]>();
    for (const a of analysed) {
      const e = people.get(a.person) ?? { name: a.person, samples: [] };
      e.samples.push({ source: a.file, embedding: Array.from(a.face.embedding) });
      people.set(a.person, e);
    }
    const gallery = toGallery({ version: 1, model: 'faceapi-recognition', people: [...people.values()] });
    const scenes: Record<string, string[]> = {
      'bbt1.jpg': ['raj', 'leonard', 'howard', 'sheldon'],
      'bbt3.jpg': ['sheldon', 'howard', 'penny', 'raj', 'leonard'],
      'bbt5.jpg': ['raj', 'penny', 'sheldon', 'leonard', 'howard'],
      'kit_with_rose.jpg': ['rose_leslie', 'kit_harington'],
      'obama_and_biden.jpg': ['biden', 'obama'],
    };
    for (const [file, labels] of Object.entries(scenes)) {
      const faces = (await engine.analyze(scene(file), { ageGender: false })).sort((a, b) => a.box.x - b.box.x);
      const named = identifyFrame(gallery, faces).flatMap((d) => (d.kind === 'match' ? [d.label] : []));
      assert.deepEqual(named, labels, file);
    }
  });

  it('genuine pairs are closer than the operating threshold on average, impostors farther', () => {
    const obama = analysed.filter((a) => a.person === 'obama');
    const biden = analysed.filter((a) => a.person === 'biden');
    assert.ok(euclidean(obama[0].face.embedding, obama[1].face.embedding) < SAME_PERSON_MAX_DISTANCE);
    for (const o of obama) for (const b of biden) assert.ok(euclidean(o.face.embedding, b.face.embedding) > SAME_PERSON_MAX_DISTANCE);
  });
});
