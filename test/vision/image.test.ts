import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { checkFrame, decodeImage, ImageDecodeError, type ImageDecodeErrorKind } from '../../device/src/vision/image.js';
import { identity, scene } from './fixtures.js';

let dir: string;
before(async () => { dir = await mkdtemp(join(tmpdir(), 'vision-image-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

async function expectKind(input: string | Buffer, kind: ImageDecodeErrorKind) {
  const r = await decodeImage(input);
  assert.equal(r.ok, false, `expected ${kind}`);
  if (r.ok) return;
  assert.ok(r.error instanceof ImageDecodeError);
  assert.equal(r.error.kind, kind, r.error.message);
  assert.ok(r.error.message.length > 0 && !r.error.message.includes('\n'));
}

/** A PNG whose IHDR claims width×height, followed by a tiny (wrong) IDAT: only the header is believable. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td) >>> 0);
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr),
    chunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])), chunk('IEND', Buffer.alloc(0))]);
}

describe('decodeImage: bad inputs give a typed error', () => {
  it('zero-byte file → empty', async () => {
    const p = join(dir, 'zero.jpg');
    await writeFile(p, Buffer.alloc(0));
    await expectKind(p, 'empty');
  });

  it('truncated JPEG → truncated', async () => {
    const full = await readFile(identity('obama', '1.jpg'));
    const p = join(dir, 'cut.jpg');
    await writeFile(p, full.subarray(0, Math.floor(full.length / 2)));
    await expectKind(p, 'truncated');
  });

  it('text renamed .jpg → not-an-image', async () => {
    const p = join(dir, 'notes.jpg');
    await writeFile(p, 'these are not the pixels you are looking for\n');
    await expectKind(p, 'not-an-image');
  });

  it('PNG header claiming 30000×30000 → too-large, before decoding', async () => {
    const p = join(dir, 'huge-header.png');
    await writeFile(p, pngClaiming(30000, 30000));
    const rss0 = process.memoryUsage().rss;
    await expectKind(p, 'too-large');
    assert.ok(process.memoryUsage().rss - rss0 < 100 * 2 ** 20);
  });

  it('1×1 image → too-small', async () => {
    const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: '#123456' } }).png().toBuffer();
    await expectKind(png, 'too-small');
  });

  it('missing file → unreadable', async () => {
    await expectKind(join(dir, 'nope.jpg'), 'unreadable');
  });

  it('a 6000×6000 photo decodes downscaled, in bounded memory; 10000×10000 is over the 40 MP cap', async () => {
    const huge = join(dir, 'huge.jpg');
    await sharp(scene('bbt4.jpg')).resize(10000, 10000, { fit: 'fill' }).jpeg({ quality: 70 }).toFile(huge);
    const refused = await decodeImage(huge);
    assert.ok(!refused.ok && refused.error.kind === 'too-large');
    const p = join(dir, 'big.jpg');
    await sharp(scene('bbt4.jpg')).resize(6000, 6000, { fit: 'fill' }).jpeg({ quality: 70 }).toFile(p);
    const peak0 = process.resourceUsage().maxRSS;
    const r = await decodeImage(p);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(Math.max(r.value.width, r.value.height), 2560);
    assert.equal(r.value.data.length, r.value.width * r.value.height * 3);
    // a full 36-megapixel RGB decode alone would need 108 MB
    const grewMb = (process.resourceUsage().maxRSS - peak0) / 1024;
    assert.ok(grewMb < 100, `peak RSS grew by ${grewMb.toFixed(0)} MB`);
  });
});

describe('decodeImage: any photo becomes packed sRGB', () => {
  it('grayscale PNG crops become three equal channels', async () => {
    const r = await decodeImage(identity('leonard', '1.png'));
    assert.ok(r.ok);
    if (!r.ok) return;
    const { data } = r.value;
    for (let i = 0; i < data.length; i += 999) assert.ok(data[i] === data[i + 1] && data[i + 1] === data[i + 2]);
  });

  it('EXIF orientation is applied', async () => {
    const src = await sharp(scene('kit_with_rose.jpg')).jpeg().toBuffer(); // 501×700 portrait
    const rotated = await sharp(src).withMetadata({ orientation: 6 }).toBuffer(); // "rotate 90° to display"
    const r = await decodeImage(rotated);
    assert.ok(r.ok);
    if (!r.ok) return;
    assert.equal(r.value.width, 700);
    assert.equal(r.value.height, 501);
  });

  it('alpha is flattened on white; CMYK JPEG and WebP decode', async () => {
    const rgba = await sharp({ create: { width: 32, height: 32, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
    const a = await decodeImage(rgba);
    assert.ok(a.ok && a.value.data[0] === 255 && a.value.data[1] === 255 && a.value.data[2] === 255);
    const cmyk = await sharp(identity('obama', '1.jpg')).toColourspace('cmyk').jpeg().toBuffer();
    const c = await decodeImage(cmyk);
    assert.ok(c.ok && c.value.stride === c.value.width * 3);
    const webp = await sharp(identity('obama', '1.jpg')).webp().toBuffer();
    assert.ok((await decodeImage(webp)).ok);
  });
});

describe('checkFrame: raw camera frames', () => {
  it('accepts padded strides and rejects inconsistent frames', () => {
    const ok = checkFrame({ data: new Uint8Array(644 * 3 * 360), width: 640, height: 360, stride: 644 * 3 });
    assert.ok(ok.ok);
    const shortStride = checkFrame({ data: new Uint8Array(640 * 3 * 360), width: 640, height: 360, stride: 100 });
    assert.ok(!shortStride.ok && shortStride.error.kind === 'bad-frame');
    const shortData = checkFrame({ data: new Uint8Array(10), width: 640, height: 360, stride: 1920 });
    assert.ok(!shortData.ok && shortData.error.kind === 'bad-frame');
    const zero = checkFrame({ data: new Uint8Array(0), width: 0, height: 0, stride: 0 });
    assert.ok(!zero.ok && zero.error.kind === 'bad-frame');
  });
});
