/**
 * Image input for the face engine: decode any photo file or buffer (JPEG, PNG, WebP, …) into a packed RGB frame,
 * or validate a raw RGB frame handed over by a camera. Decoding is bounded: headers that claim more than
 * `maxInputPixels` are refused before any pixel is decoded, and large photos are downscaled inside libvips
 * (shrink-on-load), so memory stays bounded whatever the file says.
 */
import { readFile, stat } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbFrame } from '../frame/frame.js';
import { err, ok, type Result } from '../util/result.js';
import { warpInto, type Affine } from './warp.js';

export type ImageDecodeErrorKind =
  | 'empty'
  | 'unreadable'
  | 'not-an-image'
  | 'truncated'
  | 'too-large'
  | 'too-small'
  | 'bad-frame';

/** Why an input could not become an RGB frame. `kind` is stable for callers; `message` is one human line. */
export class ImageDecodeError extends Error {
  readonly kind: ImageDecodeErrorKind;
  constructor(kind: ImageDecodeErrorKind, message: string) {
    super(message);
    this.name = 'ImageDecodeError';
    this.kind = kind;
  }
}

export interface DecodeOptions {
  /** Refuse images whose header claims more pixels than this (default 120 MP). */
  maxInputPixels?: number;
  /** Downscale so that the longer side is at most this many pixels (default 2560). */
  maxSide?: number;
  /** Smaller than this on either side is refused: no face fits (default 16). */
  minSide?: number;
  /** Refuse files bigger than this many bytes before reading them (default 64 MiB). */
  maxBytes?: number;
}

const DEFAULTS = { maxInputPixels: 120_000_000, maxSide: 2560, minSide: 16, maxBytes: 64 * 1024 * 1024 };

export type ImageInput = string | Buffer | Uint8Array;

/** Decode a file path or an encoded buffer into a tightly packed sRGB frame (EXIF-rotated, alpha on white). */
export async function decodeImage(input: ImageInput, options: DecodeOptions = {}): Promise<Result<RgbFrame, ImageDecodeError>> {
  const o = { ...DEFAULTS, ...options };
  const bytes = await readInput(input, o.maxBytes);
  if (!bytes.ok) return bytes;
  const buf = bytes.value;
  if (buf.length === 0) return err(new ImageDecodeError('empty', 'the image is empty (0 bytes)'));

  // header only: sizes are checked before a single pixel is decoded
  const meta = await sharp(buf, { limitInputPixels: false }).metadata().catch(() => null);
  if (!meta) return err(new ImageDecodeError('not-an-image', 'not a supported image (JPEG, PNG, WebP, GIF, TIFF, AVIF)'));
  const w0 = meta.width ?? 0;
  const h0 = meta.height ?? 0;
  if (w0 * h0 > o.maxInputPixels) {
    return err(new ImageDecodeError('too-large', `image is ${w0}x${h0} (${mp(w0 * h0)} MP); the limit is ${mp(o.maxInputPixels)} MP`));
  }
  if (w0 < o.minSide || h0 < o.minSide) {
    return err(new ImageDecodeError('too-small', `image is ${w0}x${h0}; at least ${o.minSide}x${o.minSide} pixels are needed`));
  }

  try {
    // failOn 'truncated' turns a cut-off JPEG/PNG into an error instead of a half-grey picture.
    const { data, info } = await sharp(buf, { limitInputPixels: o.maxInputPixels, failOn: 'truncated', sequentialRead: true })
      .rotate()
      .resize({ width: o.maxSide, height: o.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) {
      return err(new ImageDecodeError('not-an-image', `decoded to ${info.channels} channels, expected RGB`));
    }
    const data8 = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return ok({ data: data8, width: info.width, height: info.height, stride: info.width * 3 });
  } catch (e) {
    const msg = (e as Error).message ?? String(e);
    if (/truncat|premature|end of (file|data)|unexpected end|Invalid IHDR|read error|corrupt|damaged|bad huffman/i.test(msg)) {
      return err(new ImageDecodeError('truncated', `the image data is truncated or corrupt (${firstLine(msg)})`));
    }
    if (/pixel limit/i.test(msg)) return err(new ImageDecodeError('too-large', firstLine(msg)));
    return err(new ImageDecodeError('not-an-image', `could not decode the image (${firstLine(msg)})`));
  }
}

/** Check a raw RGB frame from a camera: sizes, stride and buffer length must agree. */
export function checkFrame(frame: RgbFrame, minSide = DEFAULTS.minSide): Result<RgbFrame, ImageDecodeError> {
  const { width, height, stride, data } = frame;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    return err(new ImageDecodeError('bad-frame', `frame size ${width}x${height} is not a positive integer size`));
  }
  if (!Number.isInteger(stride) || stride < width * 3) {
    return err(new ImageDecodeError('bad-frame', `frame stride ${stride} is smaller than width*3 = ${width * 3}`));
  }
  if (data.length < stride * (height - 1) + width * 3) {
    return err(new ImageDecodeError('bad-frame', `frame buffer has ${data.length} bytes; ${width}x${height} with stride ${stride} needs more`));
  }
  if (width < minSide || height < minSide) {
    return err(new ImageDecodeError('too-small', `frame is ${width}x${height}; at least ${minSide}x${minSide} pixels are needed`));
  }
  return ok(frame);
}

/** True when the value looks like an RgbFrame rather than a path or an encoded buffer. */
export function isRgbFrame(x: unknown): x is RgbFrame {
  return typeof x === 'object' && x !== null && !(x instanceof Uint8Array) && 'data' in x && 'width' in x && 'stride' in x;
}

/** Copy a frame into a larger black canvas with `pad` pixels on every side (for tight face crops). */
export function padFrame(frame: RgbFrame, pad: number): RgbFrame {
  const width = frame.width + 2 * pad;
  const height = frame.height + 2 * pad;
  const stride = width * 3;
  const data = new Uint8Array(stride * height);
  const row = frame.width * 3;
  for (let y = 0; y < frame.height; y++) {
    const src = y * frame.stride;
    data.set(frame.data.subarray(src, src + row), (y + pad) * stride + pad * 3);
  }
  return { data, width, height, stride };
}

/**
 * The frame rotated by `degrees` (clockwise on screen) on a canvas grown to hold all of it, black outside, plus
 * the map from rotated-frame coordinates back to the input frame (for heads tilted beyond what the detector sees).
 */
export function rotateFrame(frame: RgbFrame, degrees: number): { frame: RgbFrame; toSource: Affine } {
  const t = degrees * Math.PI / 180;
  const cos = Math.cos(t), sin = Math.sin(t);
  const width = Math.ceil(Math.abs(frame.width * cos) + Math.abs(frame.height * sin));
  const height = Math.ceil(Math.abs(frame.width * sin) + Math.abs(frame.height * cos));
  const cx = frame.width / 2, cy = frame.height / 2, ox = width / 2, oy = height / 2;
  // source = R(−t)·(dst − o) + c, in continuous coordinates (pixel centres at +0.5)
  const toSource: Affine = {
    a: cos, b: sin, c: cx - cos * ox - sin * oy + 0.5 * (cos + sin) - 0.5,
    d: -sin, e: cos, f: cy + sin * ox - cos * oy + 0.5 * (cos - sin) - 0.5,
  };
  const samples = new Float32Array(width * height * 3);
  warpInto(frame, toSource, width, height, samples, 0, { layout: 'nhwc', border: 'zero' });
  const data = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) data[i] = samples[i] + 0.5;
  return { frame: { data, width, height, stride: width * 3 }, toSource };
}

/** Encode a frame to JPEG (annotated CLI output, debugging). */
export async function encodeJpeg(frame: RgbFrame, quality = 90): Promise<Buffer> {
  const packed = frame.stride === frame.width * 3 ? frame.data : packRows(frame);
  return sharp(Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength), {
    raw: { width: frame.width, height: frame.height, channels: 3 },
  })
    .jpeg({ quality })
    .toBuffer();
}

function packRows(frame: RgbFrame): Uint8Array {
  const row = frame.width * 3;
  const out = new Uint8Array(row * frame.height);
  for (let y = 0; y < frame.height; y++) out.set(frame.data.subarray(y * frame.stride, y * frame.stride + row), y * row);
  return out;
}

async function readInput(input: ImageInput, maxBytes: number): Promise<Result<Buffer, ImageDecodeError>> {
  if (typeof input !== 'string') {
    if (input.byteLength > maxBytes) return err(new ImageDecodeError('too-large', `the image is ${input.byteLength} bytes; the limit is ${maxBytes}`));
    return ok(Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength));
  }
  try {
    const st = await stat(input);
    if (!st.isFile()) return err(new ImageDecodeError('unreadable', `${input} is not a file`));
    if (st.size > maxBytes) return err(new ImageDecodeError('too-large', `${input} is ${st.size} bytes; the limit is ${maxBytes}`));
    return ok(await readFile(input));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(new ImageDecodeError('unreadable', `cannot read ${input}${code ? ` (${code})` : ''}`));
  }
}

const mp = (px: number) => (px / 1e6).toFixed(1);
const firstLine = (s: string) => s.split('\n')[0].trim();
