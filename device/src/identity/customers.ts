import { ok, type Result } from '../util/result.js';
import { fail, notFound, type IdentityError } from './errors.js';
import type { IdentityStore, NewSample } from './identity-store.js';
import { formatId, type CustomerRecord, type IdentityDoc } from './model.js';

export interface SampleView {
  sampleId: string;
  quality: number;
  createdAt: number;
  cropId: string | null;
}

export interface CustomerView {
  id: string;
  kind: 'customer';
  note: string;
  createdAt: number;
  lastSeenAt: number | null;
  samples: number;
}

export interface CustomerDetail extends CustomerView {
  sampleList: SampleView[];
}

const MAX_NEGATIVES = 50;

/** Are two persons on record as different people? */
export function declaredDifferent(doc: { readonly differentPairs: readonly (readonly string[])[] }, a: string, b: string): boolean {
  return doc.differentPairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
}

export function addDifferentPair(draft: IdentityDoc, a: string, b: string): void {
  if (!declaredDifferent(draft, a, b)) draft.differentPairs.push([a, b]);
}

/**
 * Anonymous customers: created from consistent samples only, never named (a free-text note is all a
 * human can attach), each with a capped gallery of samples replaced by quality.
 */
export class CustomerBook {
  constructor(
    private readonly store: IdentityStore,
    private readonly samplesCap: number,
  ) {}

  get(id: string): CustomerRecord | null {
    const p = Object.hasOwn(this.store.doc.persons, id) ? this.store.doc.persons[id] : undefined;
    return p && p.kind === 'customer' ? (p as CustomerRecord) : null;
  }

  view(p: CustomerRecord): CustomerView {
    return { id: p.id, kind: 'customer', note: p.note, createdAt: p.createdAt, lastSeenAt: p.lastSeenAt, samples: this.store.sampleCount(p.id) };
  }

  list(): CustomerView[] {
    return Object.values(this.store.doc.persons)
      .filter((p): p is CustomerRecord => p.kind === 'customer')
      .map((p) => this.view(p))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  detail(id: string): Result<CustomerDetail, IdentityError> {
    const p = this.get(id);
    if (!p) return notFound('customer', id);
    const sampleList = this.store
      .samplesOf(id)
      .map((e) => ({ sampleId: e.sampleId, quality: e.quality, createdAt: e.createdAt, cropId: e.cropId ?? null }))
      .sort((a, b) => b.quality - a.quality);
    return ok({ ...this.view(p), sampleList });
  }

  /** A new customer id (monotonic counter, persisted before any sample is written) with its samples. */
  async create(samples: readonly NewSample[], at: number): Promise<string> {
    let id = '';
    await this.store.updateDoc((d) => {
      d.counters.customer++;
      id = formatId('C', d.counters.customer);
      d.persons[id] = { id, kind: 'customer', note: '', createdAt: at, lastSeenAt: at, negatives: [] };
    });
    for (const s of samples.slice(0, this.samplesCap)) await this.store.addSample(id, 'customer', s);
    return id;
  }

  /**
   * Adds samples under the cap: while there is room they are added; when full, a sample replaces the
   * lowest-quality one only if it is better. Returns how many were stored.
   */
  async addSamples(id: string, samples: readonly NewSample[]): Promise<number> {
    let stored = 0;
    for (const s of samples) {
      const existing = this.store.samplesOf(id);
      if (existing.length >= this.samplesCap) {
        const worst = existing.reduce((a, b) => (b.quality < a.quality ? b : a));
        if (s.quality <= worst.quality) continue;
        await this.store.removeSamples([worst.sampleId]);
      }
      await this.store.addSample(id, 'customer', s);
      stored++;
    }
    return stored;
  }

  async setNote(id: string, note: string): Promise<Result<CustomerView, IdentityError>> {
    if (!this.get(id)) return notFound('customer', id);
    if (typeof note !== 'string' || note.length > 500) return fail('invalid', 'note must be text of at most 500 characters');
    await this.store.updateDoc((d) => {
      (d.persons[id] as CustomerRecord).note = note.trim();
    });
    return ok(this.view(this.get(id)!));
  }

  /**
   * Moves the given samples of a person to a brand-new customer id, and records the two as different
   * people. At least one sample must stay behind.
   */
  async split(id: string, sampleIds: readonly string[], at: number): Promise<Result<{ newId: string }, IdentityError>> {
    const p = this.get(id);
    if (!p) return notFound('customer', id);
    if (!Array.isArray(sampleIds) || !sampleIds.every((s) => typeof s === 'string')) return fail('invalid', 'sampleIds must be a list of sample ids');
    const mine = new Set(this.store.samplesOf(id).map((e) => e.sampleId));
    const unique = [...new Set(sampleIds)];
    if (unique.length === 0) return fail('invalid', 'name at least one sample to split off');
    const foreign = unique.filter((s) => !mine.has(s));
    if (foreign.length) return fail('invalid', `samples not of ${id}: ${foreign.slice(0, 5).join(', ')}`);
    if (unique.length >= mine.size) return fail('invalid', 'a split must leave at least one sample with the original person');
    let newId = '';
    await this.store.updateDoc((d) => {
      d.counters.customer++;
      newId = formatId('C', d.counters.customer);
      d.persons[newId] = { id: newId, kind: 'customer', note: '', createdAt: at, lastSeenAt: p.lastSeenAt, negatives: [] };
      addDifferentPair(d, id, newId);
    });
    await this.store.relabel(unique, newId);
    return ok({ newId });
  }

  /**
   * "Not this person": removes the sample from the person and remembers its vector as a negative, so
   * faces like it are not given to this person again.
   */
  async notThisPerson(id: string, sampleId: string, at: number): Promise<Result<{ removed: string }, IdentityError>> {
    if (!Object.hasOwn(this.store.doc.persons, id)) return notFound('person', id);
    const entry = this.store.samplesOf(id).find((e) => e.sampleId === sampleId);
    if (!entry) return notFound(`sample of ${id}`, sampleId);
    const vector = this.store.gallery.vector(sampleId);
    if (vector) await this.rememberNegative(id, vector, at);
    await this.store.removeSamples([sampleId]);
    return ok({ removed: sampleId });
  }

  async rememberNegative(id: string, vector: Float32Array, at: number): Promise<void> {
    await this.store.updateDoc((d) => {
      const p = d.persons[id];
      if (!p) return;
      p.negatives.push({ vector: Array.from(vector), createdAt: at });
      if (p.negatives.length > MAX_NEGATIVES) p.negatives.splice(0, p.negatives.length - MAX_NEGATIVES);
    });
  }

  /** Keeps the best `samplesCap` samples of a customer (after a merge pooled several galleries). */
  async trimToCap(id: string): Promise<void> {
    const all = this.store.samplesOf(id).sort((a, b) => b.quality - a.quality);
    if (all.length > this.samplesCap) await this.store.removeSamples(all.slice(this.samplesCap).map((e) => e.sampleId));
  }
}

