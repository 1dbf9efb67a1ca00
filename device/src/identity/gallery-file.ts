/**
 * The JSON gallery file the CLI and the benchmark keep enrolled people in (one flow with staff enrolment:
 * enrolment.ts judges every photo), and 1:N identification against it through the appliance's Gallery index.
 */
import { readdir, readFile, writeFile, rename } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import { err, ok, type Result } from '../util/result.js';
import { EMBEDDING_LENGTH as DESCRIPTOR_LENGTH } from '../frame/face.js';
import type { FaceAnalysis, FaceEngine } from '../vision/engine.js';
import { IMAGE_EXTENSIONS } from '../vision/primary-face.js';
import { canIdentify } from '../vision/quality.js';
import { decide, type Decision, type DecisionRule } from '../vision/similarity.js';
import { analyzeEnrolPhotos, enrolReport, judgeEnrolPhotos, type EnrolReport } from './enrolment.js';
import { Gallery } from './gallery.js';
import { defaultThresholds } from './thresholds.js';
import type { QualityGate } from '../tracking/quality-gate.js';

const GalleryFileSchema = z.object({
  version: z.literal(1),
  model: z.literal('faceapi-recognition'),
  people: z.array(z.object({
    name: z.string().min(1),
    samples: z.array(z.object({ source: z.string(), embedding: z.array(z.number()).length(DESCRIPTOR_LENGTH) })).min(1),
  })),
});
export type GalleryFile = z.infer<typeof GalleryFileSchema>;

/** Enrolling a folder: the gallery file and one report per person folder. */
export interface FolderEnrolment {
  gallery: GalleryFile;
  people: EnrolReport[];
}

/**
 * Enrols every photo of every person folder under `dir` by the staff rules (enrolment.ts): one face, big and
 * sharp enough, consistent with the person's other photos, not another enrolled person's.
 */
export async function enrolDirectory(engine: Pick<FaceEngine, 'analyze' | 'toFrame'>, dir: string, gate: QualityGate = { minFaceSize: 40, minSharpness: 15 }): Promise<Result<FolderEnrolment, string>> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    return err(`cannot read folder ${dir} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const people: GalleryFile['people'] = [];
  const reports: EnrolReport[] = [];
  const enrolled = new Gallery(DESCRIPTOR_LENGTH, 64);
  for (const person of entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()) {
    const files = (await readdir(join(dir, person))).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    const photos = await analyzeEnrolPhotos(engine, files.map((f) => ({ source: `${person}/${f}`, data: join(dir, person, f) })));
    const { feedback, accepted } = judgeEnrolPhotos(photos, {
      gate,
      consistent: defaultThresholds.consistent,
      assign: defaultThresholds.assign,
      existing: [],
      closestOther: (v) => enrolled.search(v).best,
    });
    const samples = accepted.map((u) => ({ source: feedback[u.index].source, embedding: Array.from(u.face.embedding) }));
    samples.forEach((s, i) => enrolled.add(`${person}#${i}`, person, Float32Array.from(s.embedding)));
    if (samples.length) people.push({ name: person, samples });
    reports.push(enrolReport(person, feedback, samples.length));
  }
  if (people.length === 0) return err(`no person folder with a usable face photo in ${dir}`);
  return ok({ gallery: { version: 1, model: 'faceapi-recognition', people }, people: reports });
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
