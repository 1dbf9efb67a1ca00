/**
 * Enrolment from photo folders (one sub-folder per person) and the JSON gallery file the CLI and the benchmark
 * keep it in. Searching goes through identity/gallery.ts (the appliance's 1:N index); deciding through
 * similarity.ts. A photo that cannot be used is reported with its reason and never stops the run.
 */
import { readdir, readFile, writeFile, rename } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { Gallery } from '../identity/gallery.js';
import { err, ok, type Result } from '../util/result.js';
import { EMBEDDING_LENGTH as DESCRIPTOR_LENGTH } from '../frame/face.js';
import type { FaceAnalysis, FaceEngine } from './engine.js';
import { ImageDecodeError } from './image.js';
import { canIdentify } from './quality.js';
import { decide, type Decision, type DecisionRule } from './similarity.js';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff', '.avif']);

const GalleryFileSchema = z.object({
  version: z.literal(1),
  model: z.literal('faceapi-recognition'),
  people: z.array(z.object({
    name: z.string().min(1),
    samples: z.array(z.object({ source: z.string(), embedding: z.array(z.number()).length(DESCRIPTOR_LENGTH) })).min(1),
  })),
});
export type GalleryFile = z.infer<typeof GalleryFileSchema>;

export interface EnrolSkip { source: string; reason: string }
export interface EnrolReport { gallery: GalleryFile; skipped: EnrolSkip[] }

/** The face a single-person photo is about: the highest detection score (models.md §3). */
export function primaryFace<T extends { score: number }>(faces: T[]): T | null {
  return faces.reduce<T | null>((best, f) => (best === null || f.score > best.score ? f : best), null);
}

/** Enrol every photo of every person folder under `dir`. */
export async function enrolDirectory(engine: FaceEngine, dir: string): Promise<Result<EnrolReport, string>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return err(`cannot read folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const people: GalleryFile['people'] = [];
  const skipped: EnrolSkip[] = [];
  for (const person of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const samples: GalleryFile['people'][number]['samples'] = [];
    const files = (await readdir(join(dir, person))).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    for (const file of files) {
      const source = `${person}/${file}`;
      const face = await analyzePrimary(engine, join(dir, person, file));
      if (!face.ok) skipped.push({ source, reason: face.error });
      else samples.push({ source, embedding: Array.from(face.value.embedding) });
    }
    if (samples.length) people.push({ name: person, samples });
    else skipped.push({ source: `${person}/`, reason: 'no usable photo' });
  }
  if (people.length === 0) return err(`no person folder with a usable face photo in ${dir}`);
  return ok({ gallery: { version: 1, model: 'faceapi-recognition', people }, skipped });
}

/** The primary face of a photo, or why there is none. */
export async function analyzePrimary(engine: FaceEngine, path: string): Promise<Result<FaceAnalysis, string>> {
  try {
    const face = primaryFace(await engine.analyze(path));
    return face ? ok(face) : err('no face found');
  } catch (e) {
    if (e instanceof ImageDecodeError) return err(`${e.kind}: ${e.message}`);
    throw e;
  }
}

/** Build the 1:N search index from a gallery file. */
export function toGallery(file: GalleryFile): Gallery {
  const g = new Gallery(DESCRIPTOR_LENGTH, Math.max(16, file.people.reduce((n, p) => n + p.samples.length, 0)));
  for (const p of file.people) {
    p.samples.forEach((s, i) => g.add(`${p.name}#${i}`, p.name, Float32Array.from(s.embedding)));
  }
  return g;
}

/** Who is this face? Best and runner-up person from the gallery, decided by the similarity rule. */
export function identify(gallery: Gallery, embedding: Float32Array, rule?: DecisionRule, exclude?: ReadonlySet<string>): Decision<string> {
  const { best, runnerUp } = gallery.search(embedding, exclude);
  const candidates = [best, runnerUp].filter((c) => c !== null).map((c) => ({ label: c.personId, distance: c.distance }));
  return decide(candidates, rule);
}

export async function saveGalleryFile(path: string, file: GalleryFile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(file));
  await rename(tmp, path); // atomic: a crash never leaves half a gallery
}

export async function loadGalleryFile(path: string): Promise<Result<GalleryFile, string>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    return err(`cannot read gallery ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return err(`gallery ${path} is not JSON`);
  }
  const parsed = GalleryFileSchema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(`gallery ${path} is not a face gallery (${parsed.error.issues[0]?.message ?? 'invalid'})`);
}

/**
 * Identify every face of one frame together. Two faces in one frame are never the same person, so faces are
 * decided closest-first and a person already named in the frame is excluded for the rest.
 */
export function identifyFrame(gallery: Gallery, faces: Array<Pick<FaceAnalysis, 'embedding' | 'quality'>>, rule?: DecisionRule): FaceDecision[] {
  const out: FaceDecision[] = faces.map(() => ({ kind: 'unusable' }));
  const usable = faces.flatMap((f, i) => (canIdentify(f.quality) ? [{ i, d: gallery.search(f.embedding).best?.distance ?? Infinity }] : []));
  usable.sort((a, b) => a.d - b.d);
  const claimed = new Set<string>();
  for (const { i } of usable) {
    const d = identify(gallery, faces[i].embedding, rule, claimed);
    if (d.kind === 'match') claimed.add(d.label);
    out[i] = d;
  }
  return out;
}

/** A frame-level decision: a similarity decision, or `unusable` when the face is too small or blurred to name. */
export type FaceDecision = Decision<string> | { kind: 'unusable' };
