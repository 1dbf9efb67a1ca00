/** Real faces for identity tests: the shared photos through the real face engine, and tracks built from them. */
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceEngine, type FaceAnalysis } from '../../device/src/vision/engine.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { Track } from '../../device/src/tracking/track.js';
import { shotWeight } from '../../device/src/tracking/quality-gate.js';
import type { TrackSummary, TrackedFace } from '../../device/src/tracking/types.js';

export const identitiesDir = () => join(facesDataDir(), 'identities');
export const photo = (rel: string) => join(identitiesDir(), rel);

const gate = { minFaceSize: 40, minSharpness: 15 };

export async function createEngine(): Promise<FaceEngine> {
  return FaceEngine.create({ ageGender: false });
}

/** The one face of an identity photo (optionally mirrored: the same person seen from the other side). */
export async function faceOf(engine: FaceEngine, rel: string, mirrored = false): Promise<FaceAnalysis> {
  const input = mirrored ? await sharp(photo(rel)).flop().png().toBuffer() : photo(rel);
  const faces = await engine.analyze(input);
  if (faces.length !== 1) throw new Error(`${rel}: expected one face, got ${faces.length}`);
  return faces[0];
}

/** A track summary made by the real Track from real faces, as the tracker would hand it to identity. */
export function trackOf(cameraId: string, trackId: string, faces: FaceAnalysis[], t0: number, concurrent: string[] = []): TrackSummary<TrackedFace> {
  const track = new Track<TrackedFace>(trackId, cameraId, faces[0], t0);
  faces.forEach((f, i) => {
    if (i > 0) track.observe(f, t0 + i * 100);
    track.noteGoodFace(f);
    track.addShot({ face: f, at: t0 + i * 100, weight: shotWeight(f, gate) }, 5);
  });
  return track.summary(concurrent);
}
