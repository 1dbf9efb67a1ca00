/** The committed manifests describe the files in models/cache exactly, and the conversion reproduces them. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { MODEL_IDS, modelFilePath, readManifests, sha256Bytes, sha256File } from '../../device/src/vision/model-manifest.js';
import { convertFaceApiModel, faceApiVersion } from '../../scripts/models/convert-faceapi.js';

describe('model manifests', () => {
  const manifests = readManifests();

  it('declare exactly the known models, in pipeline order', () => {
    assert.deepEqual(manifests.map((m) => m.id), [...MODEL_IDS]);
  });

  for (const m of manifests) {
    it(`${m.id}: bytes and sha256 match models/cache/${m.file}`, async () => {
      const path = modelFilePath(m);
      assert.equal(statSync(path).size, m.bytes);
      assert.equal(await sha256File(path), m.sha256);
    });
  }

  it('face-api conversions pin the installed @vladmandic/face-api version and reproduce the files byte for byte', () => {
    for (const m of manifests) {
      if (m.source.kind !== 'faceapi-conversion') continue;
      assert.equal(m.source.version, faceApiVersion());
      const bytes = convertFaceApiModel(m.source.network);
      assert.equal(bytes.length, m.bytes, m.id);
      assert.equal(sha256Bytes(bytes), m.sha256, m.id);
    }
  });
});
