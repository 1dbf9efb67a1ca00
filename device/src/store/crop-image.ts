import type { RgbFrame } from '../frame/frame.js';
import { cutFace } from '../frame/face-crop.js';
import type { Box } from '../contracts/live.js';
import { StoreError } from './errors.js';

/** Longest side of a stored crop: enough for a person card, small on flash. */
const MAX_SIDE = 256;
const MAX_JPEG_BYTES = 4 * 1024 * 1024;

/** sharp (libvips) is loaded on first use: opening the store must not pay for it. */
const loadSharp = async () => (await import('sharp')).default;

/**
 * JPEG of a face region of a packed RGB frame: the frame kernel's face cut (box widened by `margin` of
 * its size so hair and chin are kept, clamped to the frame, rows unpadded), shrunk to MAX_SIDE.
 */
export async function encodeFaceCrop(frame: RgbFrame, box: Box, margin = 0.25): Promise<Buffer> {
  const { width, height, stride, data } = frame;
  if (!(width > 0 && height > 0 && stride >= width * 3 && data.length >= stride * (height - 1) + width * 3)) {
    throw new StoreError('bad-input', 'frame dimensions do not match its buffer');
  }
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width <= 0 || box.height <= 0) {
    throw new StoreError('bad-input', 'box must have finite position and positive size');
  }
  const crop = cutFace(frame, box, margin);
  if (!crop) throw new StoreError('bad-input', 'box lies outside the frame');
  const sharp = await loadSharp();
  return sharp(crop.frame.data, { raw: { width: crop.frame.width, height: crop.frame.height, channels: 3 } })
    .resize({ width: MAX_SIDE, height: MAX_SIDE, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 85, mozjpeg: false })
    .toBuffer();
}

/** Accept a caller's JPEG only if it really is one that decodes. */
export async function checkJpeg(buf: Buffer): Promise<void> {
  if (!Buffer.isBuffer(buf) || buf.length < 4 || buf.length > MAX_JPEG_BYTES || buf[0] !== 0xff || buf[1] !== 0xd8 || buf[2] !== 0xff) {
    throw new StoreError('bad-input', 'not a JPEG (or larger than 4 MB)');
  }
  try {
    const sharp = await loadSharp();
    const meta = await sharp(buf).metadata();
    if (meta.format !== 'jpeg' || !meta.width || !meta.height) throw new Error('not decodable');
  } catch (e) {
    throw new StoreError('bad-input', `JPEG does not decode: ${(e as Error).message}`);
  }
}
