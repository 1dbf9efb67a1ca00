import type { QualityGate } from '../tracking/quality-gate.js';
import { ok, type Result } from '../util/result.js';
import { fail, notFound, type IdentityError } from './errors.js';
import type { IdentityStore } from './identity-store.js';
import { formatId, type StaffRecord } from './model.js';
import { robustSplit } from './robust.js';
import { enrolReport, judgeEnrolPhotos, type EnrolPhoto, type EnrolReport } from './enrolment.js';
import type { IdentityThresholds } from './thresholds.js';
import type { SampleView } from './customers.js';

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

  /** Judges each photo (enrolment.ts), stores the accepted ones and refreshes the template. */
  async enrol(id: string, photos: readonly EnrolPhoto[], at: number): Promise<Result<EnrolReport, IdentityError>> {
    if (!this.get(id)) return notFound('staff member', id);
    if (!Array.isArray(photos) || photos.length === 0) return fail('invalid', 'give at least one photo');
    const existing = this.store.samplesOf(id).map((e) => this.store.gallery.vector(e.sampleId)!).filter(Boolean);
    const { feedback, accepted } = judgeEnrolPhotos(photos, {
      gate: this.gate(),
      consistent: this.thresholds.consistent,
      assign: this.thresholds.assign,
      existing,
      closestOther: (v) => this.closestOtherPerson(id, v),
    });
    for (const u of accepted) {
      const entry = await this.store.addSample(id, 'staff', { vector: u.face.embedding, quality: u.face.quality.score, at, crop: u.crop });
      feedback[u.index].sampleId = entry.sampleId;
    }
    await this.refreshTemplate(id);
    return ok(enrolReport(id, feedback, this.store.sampleCount(id)));
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

  /** The closest OTHER staff member (a customer resembling this person is normal: staff were customers once). */
  private closestOtherPerson(id: string, v: Float32Array): { personId: string; distance: number } | null {
    const customers = Object.values(this.store.doc.persons).filter((p) => p.kind === 'customer').map((p) => p.id);
    const r = this.store.gallery.search(v, new Set([id, ...customers]));
    return r.best;
  }
}


