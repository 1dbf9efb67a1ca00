import { join } from 'node:path';
import sharp from 'sharp';
import { facesDataDir } from '../../device/src/util/paths.js';

/**
 * A real face chip from the shared identity photos: RGB, NHWC float 0–255, `size`×`size`.
 * The BBT photos are tight face crops (a plain resize is a chip); for full photos the "attention" crop keeps
 * the most salient square, which on these portraits is the face.
 */
export async function faceChip(relativePath: string, size: number): Promise<Float32Array> {
  const { data, info } = await sharp(join(facesDataDir(), 'identities', relativePath))
    .rotate()
    .flatten({ background: '#fff' })
    .toColourspace('srgb')
    .resize(size, size, { fit: 'cover', position: sharp.strategy.attention })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== size || info.height !== size) {
    throw new Error(`${relativePath}: unexpected chip ${info.width}x${info.height}x${info.channels}`);
  }
  return Float32Array.from(data);
}

/** Stacks chips into one NHWC batch. */
export function batchOf(chips: Float32Array[]): Float32Array {
  const out = new Float32Array(chips.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chips) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}
