/**
 * The converted ONNX files must compute what face-api computes: the original networks run on @tensorflow/tfjs
 * (pure-JS CPU backend) and the ONNX files on onnxruntime-node, on real face chips, within 1e-5.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maxAbsDiff } from './max-abs-diff.js';
import * as ort from 'onnxruntime-node';
import { loadModels, type ModelSet } from '../../device/src/vision/model-registry.js';
import { batchOf, faceChip } from './face-chips.js';
import { loadFaceApiReference, type FaceApiReference } from './faceapi-tfjs-reference.js';

const TOLERANCE = 1e-5;
/** Tight BBT crops (grayscale), plus colour portraits. */
const PHOTOS = ['amy/1.png', 'penny/2.png', 'sheldon/3.png', 'obama/1.jpg', 'kit_harington/1.jpg'];


describe('face-api → ONNX conversion matches face-api on tfjs', () => {
  let models: ModelSet;
  let reference: FaceApiReference;

  before(async () => {
    models = await loadModels({ ids: ['faceapi-recognition', 'faceapi-age-gender'] });
    reference = await loadFaceApiReference();
  });
  after(async () => {
    await models?.release();
  });

  it('recognition: 128-D descriptors of real face chips, batched', async (t) => {
    const chips = await Promise.all(PHOTOS.map((p) => faceChip(p, 150)));
    const batch = batchOf(chips);
    const session = models.get('faceapi-recognition').session;
    const out = await session.run({ input: new ort.Tensor('float32', batch, [chips.length, 150, 150, 3]) });
    const descriptor = out.descriptor;
    assert.deepEqual(descriptor.dims, [chips.length, 128]);
    const expected = await reference.descriptors(batch, chips.length);
    const diff = maxAbsDiff(descriptor.data as Float32Array, expected);
    t.diagnostic(`descriptor max |onnx − tfjs| = ${diff.toExponential(2)} over ${chips.length} chips`);
    assert.ok(diff <= TOLERANCE, `max |onnx − tfjs| = ${diff}`);
    // Guard against a trivially matching output (e.g. all zeros): descriptors must differ between people.
    const a = expected.subarray(0, 128);
    const b = expected.subarray(128 * 3, 128 * 4);
    assert.ok(maxAbsDiff(a, b) > 0.05, 'descriptors of different people should differ');
  });

  it('recognition: a batch of one matches too', async () => {
    const chip = await faceChip('amy/1.png', 150);
    const session = models.get('faceapi-recognition').session;
    const single = await session.run({ input: new ort.Tensor('float32', chip, [1, 150, 150, 3]) });
    const expected = await reference.descriptors(chip, 1);
    const diff = maxAbsDiff(single.descriptor.data as Float32Array, expected);
    assert.ok(diff <= TOLERANCE, `max |onnx − tfjs| = ${diff}`);
  });

  it('age/gender: ages and [p_male, p_female] of real face chips', async (t) => {
    const chips = await Promise.all(PHOTOS.map((p) => faceChip(p, 112)));
    const batch = batchOf(chips);
    const session = models.get('faceapi-age-gender').session;
    const out = await session.run({ input: new ort.Tensor('float32', batch, [chips.length, 112, 112, 3]) });
    assert.deepEqual(out.age.dims, [chips.length, 1]);
    assert.deepEqual(out.gender.dims, [chips.length, 2]);
    const expected = await reference.ageGender(batch, chips.length);
    const genderDiff = maxAbsDiff(out.gender.data as Float32Array, expected.gender);
    const ageDiff = maxAbsDiff(out.age.data as Float32Array, expected.age);
    t.diagnostic(`age max diff ${ageDiff.toExponential(2)} years, gender max diff ${genderDiff.toExponential(2)}`);
    assert.ok(genderDiff <= TOLERANCE, `gender max diff ${genderDiff}`);
    assert.ok(ageDiff <= TOLERANCE, `age max diff ${ageDiff} years`);
    const gender = out.gender.data as Float32Array;
    for (let i = 0; i < chips.length; i++) assert.ok(Math.abs(gender[2 * i] + gender[2 * i + 1] - 1) < 1e-5, 'softmax rows sum to 1');
    // Real-data sanity: amy and penny are women, sheldon and obama men.
    assert.ok(gender[0 * 2 + 1] > 0.5 && gender[1 * 2 + 1] > 0.5, `women: ${gender.subarray(0, 4)}`);
    assert.ok(gender[2 * 2] > 0.5 && gender[3 * 2] > 0.5, `men: ${gender.subarray(4, 8)}`);
  });
});
