import type { CropSource } from '../store/index.js';
import type { QualityGate } from '../tracking/quality-gate.js';
import type { TrackedFace } from '../tracking/types.js';
import { ok, type Result } from '../util/result.js';
import { fail, notFound, type IdentityError } from './errors.js';
import type { IdentityStore } from './identity-store.js';
import { formatId, type StaffRecord } from './model.js';
import { robustSplit } from './robust.js';
import type { IdentityThresholds } from './thresholds.js';
import type { SampleView } from './customers.js';

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

export interface EnrolReport {
  staffId: string;
  accepted: number;
  rejected: number;
  photos: PhotoFeedback[];
  /** Samples the person has now. */
  samples: number;
}

export interface StaffView {
  id: string;
  kind: 'staff';
  name: string;
  createdAt: number;
  lastSeenAt: number | null;
  samples: number;
  hasTemplate: boolean;
}

export interface StaffDetail extends StaffView {
  sampleList: SampleView[];
}

/**
 * Staff members: created by a human, enrolled from several photos each. Every photo gets feedback; the
 * accepted ones become exemplars, and a robust template (mean of inliers around the element-wise median)
 * is an extra gallery row. Nothing is ever added to a staff member without a human's action (enrolment
 * or a review-queue assignment).
 */
export class StaffBook {
  constructor(
    private readonly store: IdentityStore,
    private readonly thresholds: IdentityThresholds,
    private readonly gate: () => QualityGate,
  ) {}

  get(id: string): StaffRecord | null {
    const p = Object.hasOwn(this.store.doc.persons, id) ? this.store.doc.persons[id] : undefined;
    return p && p.kind === 'staff' ? (p as StaffRecord) : null;
  }

  view(p: StaffRecord): StaffView {
    return { id: p.id, kind: 'staff', name: p.name, createdAt: p.createdAt, lastSeenAt: p.lastSeenAt, samples: this.store.sampleCount(p.id), hasTemplate: p.template !== null };
  }

  list(): StaffView[] {
    return Object.values(this.store.doc.persons)
      .filter((p): p is StaffRecord => p.kind === 'staff')
      .map((p) => this.view(p))
      .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  detail(id: string): Result<StaffDetail, IdentityError> {
    const p = this.get(id);
    if (!p) return notFound('staff member', id);
    const sampleList = this.store.samplesOf(id).map((e) => ({ sampleId: e.sampleId, quality: e.quality, createdAt: e.createdAt, cropId: e.cropId ?? null }));
    return ok({ ...this.view(p), sampleList });
  }

  async create(name: string, at: number): Promise<Result<StaffView, IdentityError>> {
    const clean = typeof name === 'string' ? name.trim() : '';
    if (clean.length < 1 || clean.length > 80) return fail('invalid', 'name must be 1–80 characters');
    let id = '';
    await this.store.updateDoc((d) => {
      d.counters.staff++;
      id = formatId('S', d.counters.staff);
      d.persons[id] = { id, kind: 'staff', name: clean, createdAt: at, lastSeenAt: null, template: null, negatives: [] };
    });
    return ok(this.view(this.get(id)!));
  }

  async rename(id: string, name: string): Promise<Result<StaffView, IdentityError>> {
    if (!this.get(id)) return notFound('staff member', id);
    const clean = typeof name === 'string' ? name.trim() : '';
    if (clean.length < 1 || clean.length > 80) return fail('invalid', 'name must be 1–80 characters');
    await this.store.updateDoc((d) => {
      (d.persons[id] as StaffRecord).name = clean;
    });
    return ok(this.view(this.get(id)!));
  }

  /** Judges each photo, stores the accepted ones and refreshes the template. */
  async enrol(id: string, photos: readonly EnrolPhoto[], at: number): Promise<Result<EnrolReport, IdentityError>> {
    if (!this.get(id)) return notFound('staff member', id);
    if (!Array.isArray(photos) || photos.length === 0) return fail('invalid', 'give at least one photo');
    const feedback: PhotoFeedback[] = [];
    const usable: Array<{ index: number; face: TrackedFace & { embedding: Float32Array }; crop?: CropSource }> = [];
    photos.forEach((photo) => {
      const fb = this.checkPhoto(photo);
      feedback.push(fb.feedback);
      if (fb.face) usable.push({ index: feedback.length - 1, face: fb.face, crop: 'crop' in photo ? photo.crop : undefined });
    });

    // Outliers: judged together with the samples the person already has (they are not re-judged).
    const existing = this.store.samplesOf(id).map((e) => this.store.gallery.vector(e.sampleId)!).filter(Boolean);
    const split = robustSplit([...existing, ...usable.map((u) => u.face.embedding)], this.thresholds.consistent);
    const outlier = new Set(split.outliers);
    for (const [k, u] of usable.entries()) {
      const row = existing.length + k;
      const fb = feedback[u.index];
      if (outlier.has(row)) {
        Object.assign(fb, { verdict: 'outlier', message: 'this face differs from the person\'s other photos', distance: round(split.distances[row]) });
        continue;
      }
      const other = this.closestOtherPerson(id, u.face.embedding);
      if (other && other.distance <= this.thresholds.assign) {
        Object.assign(fb, { verdict: 'other-person', message: `this face looks like ${other.personId}`, distance: round(other.distance) });
        continue;
      }
      const entry = await this.store.addSample(id, 'staff', { vector: u.face.embedding, quality: u.face.quality.score, at, crop: u.crop });
      fb.sampleId = entry.sampleId;
    }
    await this.refreshTemplate(id);
    const accepted = feedback.filter((f) => f.verdict === 'accepted').length;
    return ok({ staffId: id, accepted, rejected: feedback.length - accepted, photos: feedback, samples: this.store.sampleCount(id) });
  }

  async removeSample(id: string, sampleId: string): Promise<Result<StaffView, IdentityError>> {
    if (!this.get(id)) return notFound('staff member', id);
    if (!this.store.samplesOf(id).some((e) => e.sampleId === sampleId)) return notFound(`sample of ${id}`, sampleId);
    await this.store.removeSamples([sampleId]);
    await this.refreshTemplate(id);
    return ok(this.view(this.get(id)!));
  }

  /** Recomputes the template from the current samples (trimmed mean around the median). */
  async refreshTemplate(id: string): Promise<void> {
    const vectors = this.store.samplesOf(id).map((e) => this.store.gallery.vector(e.sampleId)!).filter(Boolean);
    const template = vectors.length >= 2 ? robustSplit(vectors, this.thresholds.consistent).template : null;
    await this.store.updateDoc((d) => {
      (d.persons[id] as StaffRecord).template = template ? Array.from(template) : null;
    });
    this.store.setTemplate(id, template);
  }

  private checkPhoto(photo: EnrolPhoto): { feedback: PhotoFeedback; face?: TrackedFace & { embedding: Float32Array } } {
    const source = String(photo.source ?? '').slice(0, 200);
    if ('error' in photo) return { feedback: { source, verdict: 'unreadable', message: photo.error } };
    const faces = photo.faces ?? [];
    if (faces.length === 0) return { feedback: { source, verdict: 'no-face', message: 'no face found' } };
    if (faces.length > 1) return { feedback: { source, verdict: 'several-faces', message: `${faces.length} faces found; use a photo of this person alone` } };
    const face = faces[0];
    const gate = this.gate();
    if (face.quality.size < gate.minFaceSize) return { feedback: { source, verdict: 'too-small', message: `face is ${Math.round(face.quality.size)} px wide; at least ${gate.minFaceSize} px needed` } };
    if (face.quality.sharpness < gate.minSharpness) return { feedback: { source, verdict: 'blurry', message: `face is too blurred (sharpness ${Math.round(face.quality.sharpness)} < ${gate.minSharpness})` } };
    if (!(face.embedding instanceof Float32Array)) return { feedback: { source, verdict: 'no-face', message: 'the face could not be described' } };
    return { feedback: { source, verdict: 'accepted', message: 'ok' }, face };
  }

  /** The closest OTHER staff member (a customer resembling this person is normal: staff were customers once). */
  private closestOtherPerson(id: string, v: Float32Array): { personId: string; distance: number } | null {
    const customers = Object.values(this.store.doc.persons).filter((p) => p.kind === 'customer').map((p) => p.id);
    const r = this.store.gallery.search(v, new Set([id, ...customers]));
    return r.best;
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

