import { createLogger } from '../util/log.js';
import { ok, type Result } from '../util/result.js';
import { declaredDifferent, type CustomerDetail, type CustomerView } from './customers.js';
import type { EnrolPhoto, EnrolReport } from './enrolment.js';
import { fail, notFound, type IdentityError } from './errors.js';
import { gatherEvidence, judge, type Verdict } from './evidence.js';
import { pick, round, type IdentityRecords } from './identity-records.js';
import type { ReviewItem } from './model.js';
import type { StaffDetail, StaffView } from './staff.js';

const log = createLogger('identity');

export interface PhotoIdentification {
  personId: string | null;
  kind: 'staff' | 'customer' | 'unknown';
  name: string | null;
  distance: number | null;
  runnerUp: { personId: string; distance: number } | null;
  verdict: Verdict['kind'];
}

/**
 * The people a human manages: staff (create, rename, enrol, remove samples), customers (note, split), the review
 * queue (assign, not-this-person, dismiss), merge and forget, and a photo check for enrolment. Every change runs
 * under the identity lock shared with the track decider (identity-records.ts).
 */
export class PeopleAdmin {
  constructor(private readonly records: IdentityRecords) {}

  // ---- staff -----------------------------------------------------------------------------------

  listStaff(): StaffView[] {
    return this.records.staffBook.list();
  }

  getStaff(id: string): Result<StaffDetail, IdentityError> {
    return this.records.staffBook.detail(id);
  }

  createStaff(name: string): Promise<Result<StaffView, IdentityError>> {
    return this.records.locked(() => this.records.staffBook.create(name, this.records.clock.now()));
  }

  renameStaff(id: string, name: string): Promise<Result<StaffView, IdentityError>> {
    return this.records.locked(() => this.records.staffBook.rename(id, name));
  }

  /** Photos analysed by the face engine (enrolment.ts `analyzeEnrolPhotos`); each gets a verdict. */
  enrolStaff(id: string, photos: readonly EnrolPhoto[]): Promise<Result<EnrolReport, IdentityError>> {
    return this.records.locked(async () => {
      const r = await this.records.staffBook.enrol(id, photos, this.records.clock.now());
      if (r.ok && r.value.accepted > 0) await this.foldInto(id, 'staff enrolment');
      return r;
    });
  }

  /** Audited folds of customers into staff (identity-records.ts `foldCustomersInto`), newest last. */
  listFolds(): { customerId: string; staffId: string; distance: number; at: number; reason: string }[] {
    return [...(this.records.ready().doc.folds ?? [])];
  }

  /** After a staff member gained faces: customers whose samples turn out to be theirs are folded into them. */
  private async foldInto(staffId: string, reason: string): Promise<string[]> {
    const store = this.records.ready();
    const vectors = store.samplesOf(staffId).map((e) => store.gallery.vector(e.sampleId)).filter((v): v is Float32Array => Boolean(v));
    return this.records.foldCustomersInto(staffId, vectors, reason);
  }

  removeStaffSample(id: string, sampleId: string): Promise<Result<StaffView, IdentityError>> {
    return this.records.locked(() => this.records.staffBook.removeSample(id, sampleId));
  }

  // ---- customers -------------------------------------------------------------------------------

  listCustomers(): CustomerView[] {
    return this.records.customerBook.list();
  }

  getCustomer(id: string): Result<CustomerDetail, IdentityError> {
    return this.records.customerBook.detail(id);
  }

  /** Customers are never named: the only free text is a note for staff use. */
  setCustomerNote(id: string, note: string): Promise<Result<CustomerView, IdentityError>> {
    return this.records.locked(() => this.records.humanTouched([id], () => this.records.customerBook.setNote(id, note)));
  }

  splitCustomer(id: string, sampleIds: readonly string[]): Promise<Result<{ newId: string }, IdentityError>> {
    return this.records.locked(() => this.records.humanTouched([id], () => this.records.customerBook.split(id, sampleIds, this.records.clock.now())));
  }

  /**
   * Merges `sourceIds` into `targetId`: samples move, the sources disappear. Customers may merge into a
   * customer or a staff member (a human approving "this customer is our employee"); a staff member never
   * merges into anyone, and persons on record as different people never merge.
   */
  merge(targetId: string, sourceIds: readonly string[]): Promise<Result<{ target: string; merged: string[] }, IdentityError>> {
    return this.records.locked(async () => {
      const store = this.records.ready();
      const persons = store.doc.persons;
      if (!Array.isArray(sourceIds) || !sourceIds.every((s) => typeof s === 'string')) return fail('invalid', 'sources must be a list of person ids');
      if (!Object.hasOwn(persons, targetId)) return notFound('person', targetId);
      const sources = [...new Set(sourceIds)];
      if (sources.length === 0) return fail('invalid', 'name at least one person to merge');
      for (const s of sources) {
        if (s === targetId) return fail('invalid', 'a person cannot be merged into itself');
        if (!Object.hasOwn(persons, s)) return notFound('person', s);
        if (persons[s].kind === 'staff') return fail('invalid', `${s} is staff: only customers can be merged into someone`);
        if (declaredDifferent(store.doc, s, targetId)) return fail('conflict', `${s} and ${targetId} were declared different people`);
      }
      this.records.humanTouched([targetId, ...sources], () => undefined);
      for (const s of sources) {
        await store.relabel(store.samplesOf(s).map((e) => e.sampleId), targetId);
        await this.records.reviewQueue.dropPerson(s, targetId);
      }
      await store.updateDoc((d) => {
        const target = d.persons[targetId];
        for (const s of sources) {
          const src = d.persons[s];
          target.negatives.push(...src.negatives);
          if (src.lastSeenAt !== null && (target.lastSeenAt === null || src.lastSeenAt > target.lastSeenAt)) target.lastSeenAt = src.lastSeenAt;
          delete d.persons[s];
          d.differentPairs = d.differentPairs
            .map(([a, b]) => [a === s ? targetId : a, b === s ? targetId : b] as [string, string])
            .filter(([a, b]) => a !== b);
        }
        target.negatives = target.negatives.slice(-50);
      });
      if (persons[targetId].kind === 'staff') await this.records.staffBook.refreshTemplate(targetId);
      else await this.records.customerBook.trimToCap(targetId);
      await this.records.hooks.mergedPersons?.(targetId, sources);
      return ok({ target: targetId, merged: sources });
    });
  }

  /** "Not this person" on one of a person's samples: the sample goes, its face is remembered as a negative. */
  notThisPerson(personId: string, sampleId: string): Promise<Result<{ removed: string }, IdentityError>> {
    return this.records.locked(async () => {
      const r = await this.records.humanTouched([personId], () => this.records.customerBook.notThisPerson(personId, sampleId, this.records.clock.now()));
      if (r.ok && this.records.staffBook.get(personId)) await this.records.staffBook.refreshTemplate(personId);
      return r;
    });
  }

  /** Forgets a person (staff or customer): embeddings, crops, review mentions, links in other stores. */
  forget(personId: string): Promise<Result<{ personId: string; samples: number; crops: number }, IdentityError>> {
    return this.records.locked(async () => {
      if (!this.records.has(personId)) return notFound('person', personId);
      const purged = await this.records.erase(personId);
      log.info('person forgotten', { personId, ...purged });
      return ok({ personId, ...purged });
    });
  }

  /** Customers last seen before `before` (epoch ms): what retention forgets after Settings.retention.customerUnseenDays. */
  customersUnseenSince(before: number): string[] {
    return Object.values(this.records.ready().doc.persons)
      .filter((p) => p.kind === 'customer' && (p.lastSeenAt ?? p.createdAt) < before)
      .map((p) => p.id);
  }

  /** Kind and display name of a person (names only for staff), or null. */
  personInfo(personId: string): { kind: 'staff' | 'customer'; name: string | null } | null {
    return this.records.personInfo(personId);
  }

  // ---- review queue ----------------------------------------------------------------------------

  listReview(): ReviewItem[] {
    return this.records.reviewQueue.list();
  }

  /** The human's answer "this is `personId`": the item's faces join that person (staff approval path). */
  assignReview(itemId: string, personId: string): Promise<Result<{ personId: string; added: number }, IdentityError>> {
    return this.records.locked(async () => {
      const store = this.records.ready();
      const queue = this.records.reviewQueue;
      if (!queue.get(itemId)) return notFound('review item', itemId);
      if (!Object.hasOwn(store.doc.persons, personId)) return notFound('person', personId);
      const item = await queue.take(itemId);
      if (!item.ok) return item;
      this.records.humanTouched([personId], () => undefined);
      const kind = store.doc.persons[personId].kind;
      const samples = item.value.vectors.map((v) => ({ vector: Float32Array.from(v), quality: item.value.quality, at: item.value.createdAt }));
      let added = 0;
      if (kind === 'customer') added = await this.records.customerBook.addSamples(personId, samples);
      else {
        for (const s of samples) await store.addSample(personId, 'staff', s);
        added = samples.length;
        await this.records.staffBook.refreshTemplate(personId);
        await this.foldInto(personId, `review item ${itemId} assigned`);
      }
      if (item.value.cropId && store.crops) await store.crops.reassign(item.value.cropId, { kind, personId });
      return ok({ personId, added });
    });
  }

  /** "Not this person" on a review item: remembered as a negative for that candidate (default: the best one). */
  notThisPersonReview(itemId: string, personId?: string): Promise<Result<{ personId: string }, IdentityError>> {
    return this.records.locked(async () => {
      const queue = this.records.reviewQueue;
      const current = queue.get(itemId);
      if (!current) return notFound('review item', itemId);
      const who = personId ?? current.candidates[0]?.personId;
      if (!who) return fail('invalid', 'the item names no candidate; give the person');
      if (!this.records.has(who)) return notFound('person', who);
      const item = await queue.take(itemId);
      if (!item.ok) return item;
      await this.records.customerBook.rememberNegative(who, Float32Array.from(item.value.vectors[0]), this.records.clock.now());
      await queue.deleteCrop(item.value);
      return ok({ personId: who });
    });
  }

  dismissReview(itemId: string): Promise<Result<{ dismissed: string }, IdentityError>> {
    return this.records.locked(async () => {
      const queue = this.records.reviewQueue;
      const item = await queue.take(itemId);
      if (!item.ok) return item;
      await queue.deleteCrop(item.value);
      return ok({ dismissed: itemId });
    });
  }

  // ---- one photo (HTTP "test recognition") -----------------------------------------------------

  /**
   * Identifies the faces of one photo, closest first, never giving one person to two faces. A single
   * photo is weaker evidence than a track, so this is for checking enrolment, not for visits.
   */
  identifyPhotoFaces(faces: readonly { embedding: Float32Array }[]): PhotoIdentification[] {
    const store = this.records.ready();
    const order = faces.map((f, i) => ({ i, d: store.gallery.search(f.embedding).best?.distance ?? Infinity })).sort((a, b) => a.d - b.d);
    const claimed = new Set<string>();
    const out: PhotoIdentification[] = new Array(faces.length);
    for (const { i } of order) {
      const ev = gatherEvidence(store.gallery, [{ embedding: faces[i].embedding, weight: 1 }], claimed, (p) => this.records.negativesOf(p));
      const v = judge(ev, this.records.thresholds, 1);
      const best = v.best;
      const info = v.kind === 'match' ? this.records.personInfo(v.best.personId) : null;
      if (v.kind === 'match') claimed.add(v.best.personId);
      out[i] = {
        personId: v.kind === 'match' ? v.best.personId : null,
        kind: info?.kind ?? 'unknown',
        name: info?.name ?? null,
        distance: best ? round(best.distance) : null,
        runnerUp: pick(v.runnerUp),
        verdict: v.kind,
      };
    }
    return out;
  }
}
