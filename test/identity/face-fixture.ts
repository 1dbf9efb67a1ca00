/** Real faces for identity tests: the shared photos through the real face engine, and tracks built from them. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import sharp from 'sharp';
import { FaceEngine, type FaceAnalysis } from '../../device/src/vision/engine.js';
import { facesDataDir } from '../../device/src/util/paths.js';
import { primaryFace } from '../../device/src/vision/primary-face.js';
import { Track } from '../../device/src/tracking/track.js';
import { shotWeight } from '../../device/src/tracking/quality-gate.js';
import type { IdentityDecision, TrackSummary, TrackedFace } from '../../device/src/tracking/types.js';
import type { Identity } from '../../device/src/identity/identity.js';

export const identitiesDir = () => join(facesDataDir(), 'identities');
export const photo = (rel: string) => join(identitiesDir(), rel);

const gate = { minFaceSize: 40, minSharpness: 15 };

export async function createEngine(): Promise<FaceEngine> {
  return FaceEngine.create({ ageGender: false });
}

/**
 * The one face of an identity photo (optionally mirrored: the same person seen from the other side; optionally
 * turned by `degrees`, clockwise: rotating the whole photo rolls the head, as bench:faces `robustness` does).
 */
export async function faceOf(engine: FaceEngine, rel: string, mirrored = false, degrees = 0): Promise<FaceAnalysis> {
  // Turned exactly as bench:faces `robustness` turns its probes.
  let img = degrees ? sharp(photo(rel)).rotate().flatten({ background: '#000' }) : sharp(photo(rel));
  if (mirrored) img = img.flop();
  if (degrees) img = img.rotate(degrees, { background: '#000' });
  const faces = await engine.analyze(mirrored || degrees ? await img.png().toBuffer() : photo(rel));
  // A turned photo's black corners can make a weak second box: its face is the primary one, as in the bench.
  const face = degrees ? primaryFace(faces) : faces.length === 1 ? faces[0] : null;
  if (!face) throw new Error(`${rel}: expected one face, got ${faces.length}`);
  return face;
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

/** What identity tests share: the real engine, a temp folder, and each photo's face analysed once. */
export interface IdentityBench {
  engine(): FaceEngine;
  root(): string;
  /** The face of an identity photo (`mirrored`: flipped; `degrees`: the photo turned, rolling the head), cached. */
  face(rel: string, mirrored?: boolean, degrees?: number): Promise<FaceAnalysis>;
}

/** Registers before/after hooks that create and release the engine and a temp folder named `prefix…`. */
export function identityBench(prefix: string): IdentityBench {
  let engine: FaceEngine | undefined;
  let root: string | undefined;
  const cache = new Map<string, Promise<FaceAnalysis>>();
  before(async () => {
    engine = await createEngine();
    root = await mkdtemp(join(tmpdir(), prefix));
  });
  after(async () => {
    await engine?.release();
    if (root) await rm(root, { recursive: true, force: true });
  });
  const ready = <T>(x: T | undefined, what: string): T => {
    if (x === undefined) throw new Error(`${what} is not ready: use it inside a test`);
    return x;
  };
  return {
    engine: () => ready(engine, 'engine'),
    root: () => ready(root, 'temp folder'),
    face(rel, mirrored = false, degrees = 0) {
      const key = `${rel}${mirrored ? '~m' : ''}@${degrees}`;
      let f = cache.get(key);
      if (!f) {
        f = faceOf(ready(engine, 'engine'), rel, mirrored, degrees);
        cache.set(key, f);
      }
      return f;
    },
  };
}

/** Ends a track at the decider and returns its own late decision (TrackFinish.decision). */
export async function finished(identity: Identity, summary: TrackSummary<TrackedFace>, last: IdentityDecision | null): Promise<IdentityDecision | null> {
  return (await identity.decider.finish(summary, last)).decision;
}
