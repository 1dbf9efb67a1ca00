/** Loading refuses missing or corrupt weight files with a ModelIntegrityError naming the file and the repair command. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  describeModels,
  loadModels,
  providerPlan,
  verifyModelFile,
  readManifests,
  ModelIntegrityError,
  ModelManifestError,
  MODEL_REPAIR_COMMAND,
} from '../../device/src/vision/model-registry.js';
import { tempModelsDir } from './temp-models.js';

const dirs: string[] = [];
function scratch(): string {
  const dir = tempModelsDir(['landmark68']);
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function expectIntegrityError(reason: ModelIntegrityError['reason'], dir: string) {
  return (err: unknown) => {
    assert.ok(err instanceof ModelIntegrityError, `expected ModelIntegrityError, got ${String(err)}`);
    assert.equal(err.reason, reason);
    assert.equal(err.file, join(dir, 'cache', 'fr_landmark.onnx'));
    assert.equal(err.repairCommand, MODEL_REPAIR_COMMAND);
    assert.match(err.message, /fr_landmark\.onnx/);
    assert.ok(err.message.includes(MODEL_REPAIR_COMMAND), err.message);
    return true;
  };
}

describe('model integrity', () => {
  it('an intact copy loads and runs', async () => {
    const dir = scratch();
    const set = await loadModels({ modelsDir: dir, ids: ['landmark68'], provider: 'cpu' });
    try {
      assert.equal(set.provider, 'cpu');
      assert.equal(set.fallbackReason, null);
      assert.deepEqual(set.ids, ['landmark68']);
      const m = set.get('landmark68');
      assert.equal(m.path, join(dir, 'cache', 'fr_landmark.onnx'));
      const out = await m.session.run({ input: new ort.Tensor('float32', new Float32Array(64 * 64).fill(0.5), [1, 1, 64, 64]) });
      assert.deepEqual(out.output.dims, [1, 136]);
      assert.match(describeModels(set), /landmark68 +fr_landmark\.onnx/);
      assert.throws(() => set.get('faceapi-recognition'), /not loaded/);
    } finally {
      await set.release();
    }
    assert.throws(() => set.get('landmark68'), /released/);
  });

  it('a missing file: reason "missing"', async () => {
    const dir = scratch();
    rmSync(join(dir, 'cache', 'fr_landmark.onnx'));
    await assert.rejects(loadModels({ modelsDir: dir, ids: ['landmark68'] }), expectIntegrityError('missing', dir));
  });

  it('a truncated file: reason "size"', async () => {
    const dir = scratch();
    const file = join(dir, 'cache', 'fr_landmark.onnx');
    truncateSync(file, 4096);
    await assert.rejects(loadModels({ modelsDir: dir, ids: ['landmark68'] }), expectIntegrityError('size', dir));
  });

  it('a byte-flipped file of the right size: reason "sha256"', async () => {
    const dir = scratch();
    const file = join(dir, 'cache', 'fr_landmark.onnx');
    const bytes = readFileSync(file);
    bytes[bytes.length >> 1] ^= 0xff;
    writeFileSync(file, bytes);
    const manifest = readManifests(dir).find((m) => m.id === 'landmark68')!;
    await assert.rejects(verifyModelFile(manifest, dir), expectIntegrityError('sha256', dir));
    await assert.rejects(loadModels({ modelsDir: dir, ids: ['landmark68'] }), expectIntegrityError('sha256', dir));
  });

  it('loading every model stops at the first missing file, in pipeline order', async () => {
    const dir = scratch(); // only landmark68 is present: the first missing one in pipeline order is reported
    await assert.rejects(loadModels({ modelsDir: dir }), (err: unknown) => err instanceof ModelIntegrityError && err.reason === 'missing' && /fr_detect\.onnx/.test(err.message));
  });
});

describe('model manifests and options', () => {
  it('an invalid manifest is a ModelManifestError naming the manifest', () => {
    const dir = scratch();
    writeFileSync(join(dir, 'landmark68.json'), '{"id": "landmark68", "file": "../escape.onnx"}');
    assert.throws(() => readManifests(dir), (err: unknown) => err instanceof ModelManifestError && /landmark68\.json/.test(err.message));
  });

  it('asking for a model without a manifest is a ModelManifestError', async () => {
    const dir = scratch();
    rmSync(join(dir, 'faceapi-age-gender.json'));
    await assert.rejects(loadModels({ modelsDir: dir, ids: ['faceapi-age-gender'] }), ModelManifestError);
  });

  it('rejects a non-positive thread count', async () => {
    await assert.rejects(loadModels({ modelsDir: scratch(), ids: ['landmark68'], intraOpThreads: 0 }), RangeError);
  });

  it('providerPlan: accelerators only when the binding lists them, CPU always last', () => {
    assert.deepEqual(providerPlan('cpu', new Set(['cpu', 'cuda'])), { attempts: ['cpu'], skipped: [] });
    assert.deepEqual(providerPlan('auto', new Set(['cpu', 'cuda', 'tensorrt'])), { attempts: ['tensorrt', 'cuda', 'cpu'], skipped: [] });
    const plan = providerPlan('cuda', new Set(['cpu']));
    assert.deepEqual(plan.attempts, ['cpu']);
    assert.match(plan.skipped[0], /^cuda: not offered/);
    assert.throws(() => providerPlan('gpu' as never, new Set(['cpu'])), RangeError);
  });

  it('cuda requested: runs on cuda where it works, else falls back to CPU and says why', async () => {
    const set = await loadModels({ modelsDir: scratch(), ids: ['landmark68'], provider: 'cuda' });
    try {
      if (set.provider === 'cpu') {
        assert.ok(set.fallbackReason && /cuda/.test(set.fallbackReason), `fallbackReason: ${set.fallbackReason}`);
        assert.match(describeModels(set), /fallback: cuda/);
      } else {
        assert.equal(set.provider, 'cuda');
        assert.equal(set.fallbackReason, null);
      }
    } finally {
      await set.release();
    }
  });
});
