import { err, ok, type Result } from '../util/result.js';
import type { FaceAnalysis, FaceEngine } from './engine.js';
import { ImageDecodeError } from './image.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

/** The face a single-person photo is about: the highest detection score (models.md §3). */
export function primaryFace<T extends { score: number }>(faces: T[]): T | null {
  return faces.reduce<T | null>((best, f) => (best === null || f.score > best.score ? f : best), null);
}

/** The primary face of a photo, or why there is none. */
export async function analyzePrimary(engine: Pick<FaceEngine, 'analyze'>, path: string): Promise<Result<FaceAnalysis, string>> {
  try {
    const face = primaryFace(await engine.analyze(path));
    return face ? ok(face) : err('no face found');
  } catch (e) {
    if (e instanceof ImageDecodeError) return err(`${e.kind}: ${e.message}`);
    throw e;
  }
}
