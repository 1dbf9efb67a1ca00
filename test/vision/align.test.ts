import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { CHIP_SIZE, chipGeometry, chipTransform, frameToChip } from '../../device/src/vision/align.js';
import { FaceEngine } from '../../device/src/vision/engine.js';
import { identifyFrame, toGallery, type GalleryFile } from '../../device/src/identity/gallery-file.js';
import { euclidean } from '../../device/src/vision/similarity.js';
import { primaryFace } from '../../device/src/vision/primary-face.js';
import { eyesAndMouth } from '../../device/src/vision/landmarks.js';
import { identity, identityPhotos, releaseEngine, sharedEngine } from './fixtures.js';

let engine: FaceEngine;
before(async () => { engine = await sharedEngine(); });
after(releaseEngine);

async function rotated(path: string, degrees: number): Promise<Buffer> {
  return sharp(path).rotate(degrees, { background: '#000000' }).png().toBuffer();
}

describe('alignment geometry', () => {
  it('the upright chip puts the eye/mouth centroid at (0.5, 0.43) of the square, as face-api does', async () => {
    const face = primaryFace(await engine.analyze(identity('obama', '1.jpg'), { ageGender: false }))!;
    const g = chipGeometry(face.landmarks, 'never');
    assert.equal(g.applied, 0);
    const m = chipTransform(g);
    const c = frameToChip(m, g.ref);
    // chip pixel centres are integers, so the square's point (0.5, 0.43) is at (74.5, 64) give or take half a pixel
    assert.ok(Math.abs(c.x - (0.5 * CHIP_SIZE - 0.5)) < 0.5 && Math.abs(c.y - (0.43 * CHIP_SIZE - 0.5)) < 0.5, JSON.stringify(c));
  });

  for (const degrees of [-40, -20, 25, 45]) {
    it(`a head rolled ${degrees}° has its eyes levelled onto the upright template`, async () => {
      const upright = primaryFace(await engine.analyze(identity('obama', '1.jpg'), { ageGender: false }))!;
      const tilted = primaryFace(await engine.analyze(await rotated(identity('obama', '1.jpg'), degrees), { ageGender: false }))!;
      assert.ok(Math.abs(tilted.rollDegrees - upright.rollDegrees - degrees) < 6, `measured roll ${tilted.rollDegrees}`);
      const template = chipEyes(upright.landmarks, 'always');
      const levelled = chipEyes(tilted.landmarks, 'always');
      assert.ok(Math.abs(levelled.left.y - levelled.right.y) < 1e-6, 'eye line is horizontal on the chip');
      for (const k of ['left', 'right'] as const) {
        assert.ok(Math.hypot(levelled[k].x - template[k].x, levelled[k].y - template[k].y) < 4,
          `${k} eye at ${JSON.stringify(levelled[k])}, template ${JSON.stringify(template[k])}`);
      }
    });
  }
});

function chipEyes(landmarks: Parameters<typeof eyesAndMouth>[0], policy: 'always') {
  const m = chipTransform(chipGeometry(landmarks, policy));
  const { leftEye, rightEye } = eyesAndMouth(landmarks);
  return { left: frameToChip(m, leftEye), right: frameToChip(m, rightEye) };
}

describe('roll robustness: rotated shared photos keep their identity', () => {
  let gallery: ReturnType<typeof toGallery>;
  // a probe set of photos whose person has other photos to be recognised by (one per person, both sexes,
  // tight crops and full photos)
  const probes = identityPhotos().filter((p) => ['amy/2.png', 'howard/3.png', 'penny/1.png', 'kit_harington/1.jpg', 'obama/2.jpg', 'biden/1.jpg']
    .includes(`${p.person}/${p.file}`));

  before(async () => {
    const people = new Map<string, GalleryFile['people'][number]>();
    for (const p of identityPhotos()) {
      if (probes.some((q) => q.path === p.path)) continue; // the probe itself is not enrolled
      const face = primaryFace(await engine.analyze(p.path, { ageGender: false }));
      if (!face) continue;
      const e = people.get(p.person) ?? { name: p.person, samples: [] };
      e.samples.push({ source: p.file, embedding: Array.from(face.embedding) });
      people.set(p.person, e);
    }
    gallery = toGallery({ version: 1, model: 'faceapi-recognition', people: [...people.values()] });
  });

  // ±60°: a head tilted that far is measured upright by the roll vote (engine.ts `uprightLandmarks`), issue 13.
  for (const degrees of [-60, -45, -30, -15, 15, 30, 45, 60]) {
    it(`rotated ${degrees}°: named right, never wrong`, async () => {
      let right = 0;
      for (const p of probes) {
        const face = primaryFace(await engine.analyze(await rotated(p.path, degrees), { ageGender: false }));
        assert.ok(face, `no face in ${p.person}/${p.file} rotated ${degrees}°`);
        const [d] = identifyFrame(gallery, [face]);
        if (d.kind === 'match') assert.equal(d.label, p.person, `${p.person}/${p.file} at ${degrees}°`);
        if (d.kind === 'match') right++;
      }
      assert.ok(right >= probes.length - 1, `${right}/${probes.length} named at ${degrees}°`);
    });
  }
});

describe('mildly rolled heads (±20°) are levelled when their five points fit a face', () => {
  // bench:faces robustness named these three wrongly when a roll under 25° kept the plain chip (docs/vision.md
  // "Roll"): alex_lacamoire/2 turned +20° as raj, kit_harington/2 turned −20° as lin_manuel_miranda, sheldon/3
  // turned −20° as raj. Their roll was measured right (within 2°); the unrotated chip was the problem.
  const cases = [['alex_lacamoire', '2.png', 20], ['kit_harington', '2.jpg', -20], ['sheldon', '3.png', -20]] as const;
  let samples: Array<{ person: string; file: string; embedding: Float32Array }>;
  let plainEngine: FaceEngine;

  before(async () => {
    plainEngine = await FaceEngine.create({ models: engine.models, roll: 'never', ageGender: false });
    samples = [];
    for (const p of identityPhotos()) {
      const face = primaryFace(await engine.analyze(p.path, { ageGender: false }));
      if (face) samples.push({ person: p.person, file: p.file, embedding: face.embedding });
    }
  });

  for (const [person, file, degrees] of cases) {
    it(`${person}/${file} turned ${degrees}°: levelled (not marked levelled), named right, nearer its own photos`, async () => {
      const others = samples.filter((s) => !(s.person === person && s.file === file));
      const people = new Map<string, GalleryFile['people'][number]>();
      for (const s of others) {
        const e = people.get(s.person) ?? { name: s.person, samples: [] };
        e.samples.push({ source: s.file, embedding: Array.from(s.embedding) });
        people.set(s.person, e);
      }
      const gallery = toGallery({ version: 1, model: 'faceapi-recognition', people: [...people.values()] });
      const frame = await engine.toFrame(await rotated(identity(person, file), degrees));
      const face = primaryFace(await engine.analyze(frame, { ageGender: false }))!;
      const g = chipGeometry(face.landmarks, engine.roll);
      assert.ok(Math.abs(g.applied * 180 / Math.PI - degrees) < 6, `applied ${g.applied * 180 / Math.PI}°`);
      assert.ok(Math.abs(g.applied * 180 / Math.PI) < 25, 'a mild roll, levelled by the fitted rule');
      assert.equal(face.quality.levelled, undefined, 'a mildly levelled head may still mint a customer');
      const [d] = identifyFrame(gallery, [face]);
      assert.equal(d.kind, 'match', JSON.stringify(d));
      if (d.kind === 'match') assert.equal(d.label, person);
      // the same landmarks, chip left unrotated: farther from every own photo than the levelled chip
      const [plain] = await plainEngine.describe(frame, [face], { ageGender: false });
      const own = (e: Float32Array) => Math.min(...others.filter((s) => s.person === person).map((s) => euclidean(e, s.embedding)));
      assert.ok(own(face.embedding) + 0.05 < own(plain.embedding), `levelled ${own(face.embedding)}, plain ${own(plain.embedding)}`);
    });
  }
});
