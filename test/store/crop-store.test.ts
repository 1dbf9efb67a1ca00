import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CropStore, parseCropId } from '../../device/src/store/crop-store.js';
import { isStoreError } from '../../device/src/store/errors.js';
import type { RgbFrame } from '../../device/src/frame/frame.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { tempDir } from './helpers.js';

/** A real photo as a camera would hand it over: packed RGB rows padded to a 4-byte stride plus slack. */
async function photoFrame(file: string): Promise<RgbFrame> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const stride = info.width * 3 + 8;
  const padded = Buffer.alloc(stride * info.height, 0xee);
  for (let y = 0; y < info.height; y++) data.copy(padded, y * stride, y * info.width * 3, (y + 1) * info.width * 3);
  return { data: padded, width: info.width, height: info.height, stride };
}

function meanRgb(buf: Buffer): number[] {
  const m = [0, 0, 0];
  for (let i = 0; i < buf.length; i++) m[i % 3] += buf[i];
  return m.map((x) => x / (buf.length / 3));
}

test('a crop from a padded real frame is a JPEG of that region, at most 256 px', async (t) => {
  const { dir, cleanup } = await tempDir('crops');
  t.after(cleanup);
  const crops = await CropStore.open(dir);
  const frame = await photoFrame(join(facesDataDir(), 'identities', 'obama', '1.jpg'));
  const box = { x: 300, y: 250, width: 300, height: 360 };
  const ref = await crops.save({ kind: 'customer', personId: 'C-000042', at: 1_700_000_000_000 }, { frame, box });
  assert.equal(ref.owner, 'C-000042');
  assert.equal(ref.createdAt, 1_700_000_000_000);
  const path = crops.path(ref.id);
  assert.ok(path.ok && path.value.startsWith(join(dir, 'customer')));
  const jpeg = await readFile(path.value);
  const meta = await sharp(jpeg).metadata();
  assert.equal(meta.format, 'jpeg');
  assert.ok(Math.max(meta.width!, meta.height!) <= 256);
  // The crop shows the same pixels as the region (padding bytes 0xee would shift the mean a lot).
  const region = await sharp(join(facesDataDir(), 'identities', 'obama', '1.jpg'))
    .extract({ left: 225, top: 160, width: 450, height: 540 })
    .raw()
    .toBuffer();
  const whole = meanRgb(await sharp(join(facesDataDir(), 'identities', 'obama', '1.jpg')).raw().toBuffer());
  const expected = meanRgb(region);
  const got = meanRgb(await sharp(jpeg).raw().toBuffer());
  for (let c = 0; c < 3; c++) {
    assert.ok(Math.abs(expected[c] - got[c]) < 2, `channel ${c}: ${got[c]} vs ${expected[c]}`);
    assert.ok(Math.abs(whole[c] - expected[c]) > 10, 'the region differs from the whole photo, so the check is meaningful');
  }
});

test('JPEG buffers are checked; ids are generated and paths never come from user input', async (t) => {
  const { dir, cleanup } = await tempDir('crops');
  t.after(cleanup);
  const crops = await CropStore.open(dir);
  const jpeg = await readFile(join(facesDataDir(), 'identities', 'obama', '5-small.jpg'));
  const ref = await crops.save({ kind: 'unknown' }, { jpeg });
  assert.equal(ref.owner, null);
  assert.deepEqual(await crops.read(ref.id), jpeg);
  await assert.rejects(crops.save({ kind: 'unknown' }, { jpeg: Buffer.from('GIF89a not a jpeg') }), (e) => isStoreError(e, 'bad-input'));
  await assert.rejects(crops.save({ kind: 'unknown' }, { jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]) }), (e) => isStoreError(e, 'bad-input'));
  for (const evil of ['../customer/x', 'customer~..~1~aaaaaaaaaa', `${ref.id}/../../etc`, '', 'staff~a~1~aaaaaaaaa/']) {
    assert.equal(crops.path(evil).ok, false, evil);
    assert.equal(await crops.read(evil), null);
    assert.equal(await crops.delete(evil), false);
  }
  assert.deepEqual(await readdir(join(dir, 'unknown')), [`${ref.id}.jpg`]);
});

test('list by kind and age, deleteForPerson, reassign', async (t) => {
  const { dir, cleanup } = await tempDir('crops');
  t.after(cleanup);
  const crops = await CropStore.open(dir);
  const jpeg = await readFile(join(facesDataDir(), 'identities', 'obama', '5-small.jpg'));
  const old = await crops.save({ kind: 'unknown', at: 1000 }, { jpeg });
  const fresh = await crops.save({ kind: 'unknown', at: 5000 }, { jpeg });
  const c1 = await crops.save({ kind: 'customer', personId: 'C-000001', at: 1000 }, { jpeg });
  await crops.save({ kind: 'customer', personId: 'C-000002', at: 1000 }, { jpeg });
  const odd = await crops.save({ kind: 'staff', personId: 'Ana María/../x', at: 1000 }, { jpeg });
  assert.ok(parseCropId(odd.id).ok, 'unsafe person ids are hashed into a safe owner token');
  assert.deepEqual((await crops.list({ kind: 'unknown', olderThan: 2000 })).map((r) => r.id), [old.id]);
  assert.equal((await crops.list({ olderThan: 2000 })).length, 4);
  const moved = await crops.reassign(fresh.id, { kind: 'customer', personId: 'C-000001' });
  assert.equal(await crops.read(fresh.id), null);
  assert.deepEqual(await crops.read(moved.id), jpeg);
  assert.equal(await crops.deleteForPerson('C-000001'), 2);
  assert.equal(await crops.read(c1.id), null);
  assert.equal(await crops.deleteForPerson('Ana María/../x'), 1);
  assert.deepEqual((await crops.list()).map((r) => r.owner).sort(), [null, 'C-000002'].sort());
  assert.equal(await crops.delete(old.id), true);
  assert.equal(await crops.delete(old.id), false);
});
