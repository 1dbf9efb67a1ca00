/**
 * Enrolment, the one flow for staff photos (HTTP) and photo folders (CLI, benchmark): every photo goes through
 * the face engine (`analyzeEnrolPhotos`), is judged on its own (one readable face, big and sharp enough) and
 * then against the person's other photos (outliers) and other people (`judgeEnrolPhotos`). Every photo gets a
 * verdict; one bad file never stops the others.
 */
import type { Box } from '../contracts/live.js';
import type { RgbFrame } from '../frame/frame.js';
import type { CropSource } from '../frame/face-crop.js';
import type { QualityGate } from '../tracking/quality-gate.js';
import type { TrackedFace } from '../tracking/types.js';
import type { FaceEngine } from '../vision/engine.js';
import { ImageDecodeError, type ImageInput } from '../vision/image.js';
import { robustSplit } from './robust.js';

export interface EnrolImage {
  /** A label for feedback (the uploaded file name, or the path under the folder); never used as a path. */
  source: string;
  data: ImageInput;
}

/** One enrolment photo after the engine looked at it (or failed to read it). */
export type EnrolPhoto =
  | { source: string; faces: readonly (TrackedFace & { embedding: Float32Array })[]; crop?: CropSource }
  | { source: string; error: string };

export type PhotoVerdict = 'accepted' | 'unreadable' | 'no-face' | 'several-faces' | 'too-small' | 'blurry' | 'outlier' | 'other-person';

export interface PhotoFeedback {
  source: string;
  verdict: PhotoVerdict;
  message: string;
  /** The stored sample, when accepted. */
  sampleId?: string;
  /** Distance to the person's robust centre (outliers) or to the other person (other-person). */
  distance?: number;
}

/** What enrolling one person's photos did (staff member or gallery-file person). */
export interface EnrolReport {
  personId: string;
  accepted: number;
  rejected: number;
  photos: PhotoFeedback[];
  /** Samples the person has now. */
  samples: number;
}

/** A photo judged usable: its face, and where its crop can be cut from. */
export interface AcceptedFace {
  /** Index into the feedback list (to record the stored sample). */
  index: number;
  face: TrackedFace & { embedding: Float32Array };
  crop?: CropSource;
}

export interface EnrolJudgement {
  feedback: PhotoFeedback[];
  accepted: AcceptedFace[];
}

export interface EnrolRules {
  gate: QualityGate;
  /** Robust-centre radius: a face further from the person's centre is an outlier (thresholds.consistent). */
  consistent: number;
  /** A face this close to another person is refused as theirs (thresholds.assign). */
  assign: number;
  /** The samples the person already has (judged with the new photos, never re-judged themselves). */
  existing: readonly Float32Array[];
  /** The closest other person to a face (whom the rules must not give this face to). */
  closestOther(v: Float32Array): { personId: string; distance: number } | null;
}

/**
 * Runs photos through the face engine: every image becomes either its faces (with a crop of the face when
 * there is exactly one) or a readable error.
 */
export async function analyzeEnrolPhotos(engine: Pick<FaceEngine, 'analyze' | 'toFrame'>, images: readonly EnrolImage[]): Promise<EnrolPhoto[]> {
  const out: EnrolPhoto[] = [];
  for (const img of images) {
    try {
      const frame = await engine.toFrame(img.data);
      const faces = await engine.analyze(frame);
      out.push(faces.length === 1 ? { source: img.source, faces, crop: { frame, box: clipBox(faces[0].box, frame) } } : { source: img.source, faces });
    } catch (e) {
      if (!(e instanceof ImageDecodeError)) throw e;
      out.push({ source: img.source, error: `${e.kind}: ${e.message}` });
    }
  }
  return out;
}

/** Judges each photo alone, then the usable ones together with the person's samples and against other people. */
export function judgeEnrolPhotos(photos: readonly EnrolPhoto[], rules: EnrolRules): EnrolJudgement {
  const feedback: PhotoFeedback[] = [];
  const usable: AcceptedFace[] = [];
  for (const photo of photos) {
    const fb = checkPhoto(photo, rules.gate);
    feedback.push(fb.feedback);
    if (fb.face) usable.push({ index: feedback.length - 1, face: fb.face, crop: 'crop' in photo ? photo.crop : undefined });
  }
  const split = robustSplit([...rules.existing, ...usable.map((u) => u.face.embedding)], rules.consistent);
  const outlier = new Set(split.outliers);
  const accepted: AcceptedFace[] = [];
  for (const [k, u] of usable.entries()) {
    const row = rules.existing.length + k;
    const fb = feedback[u.index];
    if (outlier.has(row)) {
      Object.assign(fb, { verdict: 'outlier', message: 'this face differs from the person\'s other photos', distance: round(split.distances[row]) });
      continue;
    }
    const other = rules.closestOther(u.face.embedding);
    if (other && other.distance <= rules.assign) {
      Object.assign(fb, { verdict: 'other-person', message: `this face looks like ${other.personId}`, distance: round(other.distance) });
      continue;
    }
    accepted.push(u);
  }
  return { feedback, accepted };
}

/** The report once the accepted faces were stored (`samples`: what the person has now). */
export function enrolReport(personId: string, feedback: PhotoFeedback[], samples: number): EnrolReport {
  const accepted = feedback.filter((f) => f.verdict === 'accepted').length;
  return { personId, accepted, rejected: feedback.length - accepted, photos: feedback, samples };
}

function checkPhoto(photo: EnrolPhoto, gate: QualityGate): { feedback: PhotoFeedback; face?: TrackedFace & { embedding: Float32Array } } {
  const source = String(photo.source ?? '').slice(0, 200);
  if ('error' in photo) return { feedback: { source, verdict: 'unreadable', message: photo.error } };
  const faces = photo.faces ?? [];
  if (faces.length === 0) return { feedback: { source, verdict: 'no-face', message: 'no face found' } };
  if (faces.length > 1) return { feedback: { source, verdict: 'several-faces', message: `${faces.length} faces found; use a photo of this person alone` } };
  const face = faces[0];
  if (face.quality.size < gate.minFaceSize) return { feedback: { source, verdict: 'too-small', message: `face is ${Math.round(face.quality.size)} px wide; at least ${gate.minFaceSize} px needed` } };
  if (face.quality.sharpness < gate.minSharpness) return { feedback: { source, verdict: 'blurry', message: `face is too blurred (sharpness ${Math.round(face.quality.sharpness)} < ${gate.minSharpness})` } };
  if (!(face.embedding instanceof Float32Array)) return { feedback: { source, verdict: 'no-face', message: 'the face could not be described' } };
  return { feedback: { source, verdict: 'accepted', message: 'ok' }, face };
}

/** Faces found after padding can reach past the photo's edge; crops stay inside it. */
function clipBox(b: Box, f: RgbFrame): Box {
  const x = Math.max(0, Math.floor(b.x));
  const y = Math.max(0, Math.floor(b.y));
  const right = Math.min(f.width, Math.ceil(b.x + b.width));
  const bottom = Math.min(f.height, Math.ceil(b.y + b.height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}

const round = (x: number) => Math.round(x * 1000) / 1000;
