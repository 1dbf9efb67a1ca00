import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One named tensor from a tfjs weights manifest, dequantised to float32. */
export interface TfjsWeight {
  shape: number[];
  values: Float32Array;
}
export type TfjsWeightMap = Map<string, TfjsWeight>;

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}
export interface ManifestGroup {
  paths: string[];
  weights: ManifestEntry[];
}

function product(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** IEEE 754 half precision → float (exact: every half value is representable as a float32). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Decodes one entry exactly as tfjs-core's io `decodeWeight` does: uint8-quantised (value = q·scale + min, rounded
 * to float32), float16-stored (widened to float32) or plain float32; int32 constants (shapes, indices) as numbers.
 */
function decodeEntry(entry: ManifestEntry, bytes: Buffer, offset: number): { weight: TfjsWeight; byteLength: number } {
  const count = product(entry.shape);
  if (entry.dtype !== 'float32' && entry.dtype !== 'int32') throw new Error(`weight ${entry.name}: dtype ${entry.dtype} is not supported`);
  const q = entry.quantization;
  if (q?.dtype === 'float16' && entry.dtype === 'float32') {
    const byteLength = count * 2;
    if (offset + byteLength > bytes.length) throw new Error(`weight ${entry.name}: weights file too short`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = halfToFloat(bytes.readUInt16LE(offset + i * 2));
    return { weight: { shape: entry.shape, values }, byteLength };
  }
  if (!q && entry.dtype === 'int32') {
    const byteLength = count * 4;
    if (offset + byteLength > bytes.length) throw new Error(`weight ${entry.name}: weights file too short`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readInt32LE(offset + i * 4);
    return { weight: { shape: entry.shape, values }, byteLength };
  }
  if (!q) {
    const byteLength = count * 4;
    if (offset + byteLength > bytes.length) throw new Error(`weight ${entry.name}: weights file too short`);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + i * 4);
    return { weight: { shape: entry.shape, values }, byteLength };
  }
  if (q.dtype !== 'uint8' || entry.dtype !== 'float32' || q.scale === undefined || q.min === undefined) {
    throw new Error(`weight ${entry.name}: quantisation ${q.dtype} is not supported (only uint8 with scale and min)`);
  }
  if (offset + count > bytes.length) throw new Error(`weight ${entry.name}: weights file too short`);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = bytes[offset + i] * q.scale + q.min;
  return { weight: { shape: entry.shape, values }, byteLength: count };
}

/** Reads a tfjs `*-weights_manifest.json` and its shard files into a name → tensor map. */
export function readTfjsWeights(manifestPath: string): TfjsWeightMap {
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as ManifestGroup[];
  return decodeTfjsWeights(groups, (p) => readFileSync(join(dirname(manifestPath), p)), manifestPath);
}

/** Decodes weight groups whose shard files `shard(path)` returns (from disk, or from a package tarball). */
export function decodeTfjsWeights(groups: ManifestGroup[], shard: (path: string) => Buffer, origin: string): TfjsWeightMap {
  const map: TfjsWeightMap = new Map();
  for (const group of groups) {
    const bytes = Buffer.concat(group.paths.map(shard));
    let offset = 0;
    for (const entry of group.weights) {
      const { weight, byteLength } = decodeEntry(entry, bytes, offset);
      map.set(entry.name, weight);
      offset += byteLength;
    }
    if (offset !== bytes.length) throw new Error(`${origin}: ${bytes.length - offset} unread bytes after the last weight`);
  }
  return map;
}

/** Looks a weight up and checks its shape, so a changed upstream file fails loudly instead of converting wrongly. */
export function takeWeight(map: TfjsWeightMap, name: string, shape: number[]): TfjsWeight {
  const w = map.get(name);
  if (!w) throw new Error(`weight ${name} is missing`);
  if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`weight ${name} has shape [${w.shape}] but [${shape}] was expected`);
  }
  return w;
}
