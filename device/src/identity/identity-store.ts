import { join } from 'node:path';
import { CropStore, EmbeddingStore, openDocument, type CropSource, type EmbeddingEntry, type JsonDocument } from '../store/index.js';
import type { DeepReadonly } from '../store/freeze.js';
import { Gallery } from './gallery.js';
import { emptyIdentityDoc, IdentityDoc } from './model.js';
import { EMBEDDING_LENGTH } from '../frame/face.js';

/** Gallery row id of a staff member's template (templates are not samples: they live in the document). */
export const templateRowId = (staffId: string): string => `T:${staffId}`;

export interface NewSample {
  vector: Float32Array;
  quality: number;
  at: number;
  crop?: CropSource;
}

/**
 * Persistence and the in-memory 1:N index kept in step:
 * - identity.json (lowdb document via the store): persons, counters, review queue, negative feedback;
 * - the EmbeddingStore: every sample vector (durable before it becomes searchable);
 * - the CropStore (optional): face crops of samples and review items;
 * - the Gallery: rebuilt from the two on open, then updated with every change.
 * Not safe for concurrent callers by itself: the IdentityService serialises access.
 */
export class IdentityStore {
  readonly gallery = new Gallery(EMBEDDING_LENGTH);

  private constructor(
    private readonly document: JsonDocument<IdentityDoc>,
    readonly embeddings: EmbeddingStore,
    readonly crops: CropStore | null,
  ) {}

  /** Opens (or creates) the identity files under `dir`; `crops` is shared with the rest of the store. */
  static async open(dir: string, crops: CropStore | null): Promise<IdentityStore> {
    const document = await openDocument(join(dir, 'identity.json'), IdentityDoc, emptyIdentityDoc());
    const embeddings = await EmbeddingStore.open({ dir: join(dir, 'embeddings'), dim: EMBEDDING_LENGTH });
    const store = new IdentityStore(document, embeddings, crops);
    await store.rebuildIndex();
    return store;
  }

  get doc(): DeepReadonly<IdentityDoc> {
    return this.document.data;
  }

  updateDoc(mutator: (draft: IdentityDoc) => IdentityDoc | void): Promise<IdentityDoc> {
    return this.document.update(mutator);
  }

  /** Samples whose person no longer exists (a crash between the two writes) are dropped here. */
  private async rebuildIndex(): Promise<void> {
    const { ids, personIds, data } = await this.embeddings.matrix();
    const orphans: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (!Object.hasOwn(this.doc.persons, personIds[i])) orphans.push(ids[i]);
      else this.gallery.add(ids[i], personIds[i], data.subarray(i * EMBEDDING_LENGTH, (i + 1) * EMBEDDING_LENGTH));
    }
    for (const id of orphans) await this.embeddings.remove(id);
    for (const p of Object.values(this.doc.persons)) {
      if (p.kind === 'staff' && p.template) this.gallery.add(templateRowId(p.id), p.id, Float32Array.from(p.template));
    }
  }

  /** A person's stored samples (found through the index: a typed scan, not a walk over every entry). */
  samplesOf(personId: string): EmbeddingEntry[] {
    const out: EmbeddingEntry[] = [];
    for (const id of this.gallery.rowsOf(personId)) {
      const e = id === templateRowId(personId) ? undefined : this.embeddings.entry(id);
      if (e) out.push(e);
    }
    return out;
  }

  /** How many samples a person has, in O(1). */
  sampleCount(personId: string): number {
    return this.gallery.rowCount(personId) - (this.gallery.has(templateRowId(personId)) ? 1 : 0);
  }

  /** Stores a sample durably (crop first, then vector), then makes it searchable. */
  async addSample(personId: string, kind: 'staff' | 'customer', s: NewSample): Promise<EmbeddingEntry> {
    const cropId = this.crops && s.crop ? (await this.crops.save({ kind, personId, at: s.at }, s.crop)).id : undefined;
    const entry = await this.embeddings.add({ personId, vector: s.vector, quality: s.quality, createdAt: s.at, ...(cropId ? { cropId } : {}) });
    this.gallery.add(entry.sampleId, personId, s.vector);
    return entry;
  }

  async removeSamples(sampleIds: readonly string[]): Promise<void> {
    for (const id of sampleIds) {
      const e = this.embeddings.entry(id);
      if (!e) continue;
      await this.embeddings.remove(id);
      this.gallery.remove(id);
      if (e.cropId && this.crops) await this.crops.delete(e.cropId);
    }
  }

  async relabel(sampleIds: readonly string[], personId: string): Promise<void> {
    await this.embeddings.relabel(sampleIds, personId);
    for (const id of sampleIds) this.gallery.reassign(id, personId);
  }

  setTemplate(staffId: string, template: Float32Array | null): void {
    this.gallery.remove(templateRowId(staffId));
    if (template) this.gallery.add(templateRowId(staffId), staffId, template);
  }

  /** Removes a person's vectors, crops and index rows (the document entry is the caller's). */
  async purgePerson(personId: string): Promise<{ samples: number; crops: number }> {
    const removed = await this.embeddings.removePerson(personId);
    this.gallery.removePerson(personId);
    let crops = 0;
    if (this.crops) {
      for (const e of removed) if (e.cropId && (await this.crops.delete(e.cropId))) crops++;
      crops += await this.crops.deleteForPerson(personId);
    }
    return { samples: removed.length, crops };
  }

  async close(): Promise<void> {
    await this.embeddings.close();
  }
}
