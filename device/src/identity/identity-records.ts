import type { CropStore } from '../store/index.js';
import type { CriticalSection } from '../util/critical-section.js';
import type { QualityGate } from '../tracking/quality-gate.js';
import { CustomerBook } from './customers.js';
import { createLogger } from '../util/log.js';
import { nearestNegative, nearestOf, personEvidence, type EvidenceShot, type PersonEvidence } from './evidence.js';
import { IdentityStore } from './identity-store.js';
import { ReviewQueue } from './review-queue.js';
import { StaffBook } from './staff.js';
import { TrackMints } from './track-mints.js';
import { defaultThresholds, type IdentityThresholds } from './thresholds.js';

const log = createLogger('identity');

export interface IdentityHooks {
  /** Remove what other stores hold about a forgotten person (visits links, counters). */
  forgetPerson?(personId: string): Promise<void>;
  /** Persons `sources` were merged into `target` (e.g. relabel open visits). */
  mergedPersons?(target: string, sources: readonly string[]): Promise<void>;
}

export interface IdentityRecordsOptions {
  /** Folder for identity.json and embeddings/. */
  dir: string;
  /** The store's crop folder, shared with visits; null keeps no crops. */
  crops?: CropStore | null;
  /** Held around embedding-store compactions (balena's update lock in the appliance). */
  guard?: CriticalSection;
  thresholds?: Partial<IdentityThresholds>;
  /** Settings.recognition.minFaceSize / minSharpness (also used for enrolment photos). */
  gate?: QualityGate;
  /** Samples kept per customer. */
  customerSamplesCap?: number;
  /** Review items kept. */
  reviewCap?: number;
  clock?: { now(): number };
  hooks?: IdentityHooks;
}

/**
 * What the track decider and the people-admin service share: the open identity store, the staff and customer
 * books, the review queue, which track minted which customer, and ONE lock. Every operation of either service
 * runs under that lock, so a decision and the creation it implies are atomic (two tracks of one new person
 * cannot both create a customer at the same instant) and a human's merge never interleaves with a decision.
 */
export class IdentityRecords {
  readonly thresholds: IdentityThresholds;
  readonly clock: { now(): number };
  readonly mints = new TrackMints();
  private store: IdentityStore | null = null;
  private books: { staff: StaffBook; customers: CustomerBook; review: ReviewQueue } | null = null;
  private staffIdsMemo: { persons: object; ids: string[] } | null = null;
  private gateNow: QualityGate;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: IdentityRecordsOptions) {
    this.thresholds = { ...defaultThresholds, ...opts.thresholds };
    this.gateNow = opts.gate ?? { minFaceSize: 40, minSharpness: 15 };
    this.clock = opts.clock ?? { now: () => Date.now() };
  }

  get isOpen(): boolean {
    return this.store !== null;
  }

  async open(): Promise<IdentityStore> {
    if (this.store) return this.store;
    const store = await IdentityStore.open(this.opts.dir, this.opts.crops ?? null, this.opts.guard);
    this.store = store;
    this.books = {
      staff: new StaffBook(store, this.thresholds, () => this.gateNow),
      customers: new CustomerBook(store, this.opts.customerSamplesCap ?? 10),
      review: new ReviewQueue(store, this.opts.reviewCap ?? 200),
    };
    return store;
  }

  /** Closes the store once the operations queued before have run. */
  async close(beforeClose?: () => void): Promise<void> {
    const store = this.store;
    if (!store) return;
    await this.locked(async () => {
      beforeClose?.();
      this.mints.clear();
      await store.close();
      this.store = null;
      this.books = null;
    });
  }

  get gate(): QualityGate {
    return this.gateNow;
  }

  setQualityGate(gate: QualityGate): void {
    this.gateNow = { ...gate };
  }

  get hooks(): IdentityHooks {
    return this.opts.hooks ?? {};
  }

  ready(): IdentityStore {
    if (!this.store) throw new Error('identity is not started');
    return this.store;
  }

  get staffBook(): StaffBook {
    return this.opened().staff;
  }

  get customerBook(): CustomerBook {
    return this.opened().customers;
  }

  get reviewQueue(): ReviewQueue {
    return this.opened().review;
  }

  locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      this.ready();
      return fn();
    });
    this.chain = run.catch(() => {});
    return run;
  }

  /** Kind and display name of a person (names only for staff), or null. */
  personInfo(personId: string): { kind: 'staff' | 'customer'; name: string | null } | null {
    const store = this.ready();
    const p = Object.hasOwn(store.doc.persons, personId) ? store.doc.persons[personId] : undefined;
    if (!p) return null;
    return { kind: p.kind, name: p.kind === 'staff' ? p.name : null };
  }

  has(personId: string): boolean {
    return Object.hasOwn(this.ready().doc.persons, personId);
  }

  negativesOf(personId: string): Float32Array[] {
    const p = this.store?.doc.persons[personId];
    return p && p.negatives.length ? p.negatives.map((n) => Float32Array.from(n.vector)) : [];
  }

  /** Staff members, cached per document version (there are few; customers may be 100,000). */
  staffIds(): string[] {
    const persons = this.ready().doc.persons;
    if (this.staffIdsMemo?.persons !== persons) {
      this.staffIdsMemo = { persons, ids: Object.values(persons).filter((p) => p.kind === 'staff').map((p) => p.id) };
    }
    return this.staffIdsMemo.ids;
  }

  /**
   * The staff member nearest to these shots, leaving out staff held by a face in the same frame and staff a human
   * already said these faces are not (a review item's "not this person").
   */
  nearestStaff(shots: readonly EvidenceShot[], concurrent: readonly string[]): PersonEvidence | null {
    return nearestOf(this.ready().gallery, shots, this.staffIds().filter((id) => !concurrent.includes(id)), (id) => this.negativesOf(id));
  }

  /**
   * The single shot closest to any staff member (not held by a face in the same frame), with that member. A shot
   * nearer one of that member's "not this person" faces than to the member is no evidence for them.
   */
  closestStaffShot(shots: readonly EvidenceShot[], concurrent: readonly string[]): { personId: string; distance: number } | null {
    const gallery = this.ready().gallery;
    let best: { personId: string; distance: number } | null = null;
    for (const id of this.staffIds()) {
      if (concurrent.includes(id)) continue;
      const negatives = this.negativesOf(id);
      const distances = gallery.distancesToPerson(shots.map((s) => s.embedding), id);
      const d = Math.min(...distances.filter((dist, i) => !negatives.length || nearestNegative(shots[i].embedding, negatives) > dist));
      if (Number.isFinite(d) && (!best || d < best.distance)) best = { personId: id, distance: d };
    }
    return best;
  }

  /** A human acted on these persons: a customer a track minted is no longer that track's to take back. */
  humanTouched<T>(personIds: readonly string[], action: () => T): T {
    for (const id of personIds) this.mints.claimed(id, null);
    return action();
  }

  /** Removes a person everywhere: document, embeddings, crops, review mentions, other stores (hook). */
  async erase(personId: string): Promise<{ samples: number; crops: number }> {
    const store = this.ready();
    this.mints.claimed(personId, null);
    await store.updateDoc((d) => {
      delete d.persons[personId];
      d.differentPairs = d.differentPairs.filter(([a, b]) => a !== personId && b !== personId);
    });
    const purged = await store.purgePerson(personId);
    await this.reviewQueue.dropPerson(personId, null);
    await this.hooks.forgetPerson?.(personId);
    return purged;
  }

  /**
   * Staff are never customers: customers near these faces (`probes`, faces of staff member `staffId`) whose own
   * samples turn out to match the staff member (track-averaged distance within `assign`, at least two samples on
   * their own within the same-person threshold, or all when fewer) are folded into them: the customer's open visit
   * becomes the staff member's (hook), the customer is erased (samples never join the staff member), and the
   * fold is written to the audit (`folds`). Returns the folded customer ids.
   */
  async foldCustomersInto(staffId: string, probes: readonly Float32Array[], reason: string): Promise<string[]> {
    const store = this.ready();
    const staff = new Set(this.staffIds());
    const candidates = new Set<string>();
    for (const v of probes) {
      const r = store.gallery.search(v, staff);
      for (const m of [r.best, r.runnerUp]) if (m && m.distance <= this.thresholds.unknown && this.personInfo(m.personId)?.kind === 'customer') candidates.add(m.personId);
    }
    const folded: string[] = [];
    for (const customerId of candidates) {
      const vectors = store.samplesOf(customerId).map((e) => store.gallery.vector(e.sampleId)).filter((v): v is Float32Array => Boolean(v));
      if (vectors.length === 0) continue;
      const e = personEvidence(store.gallery, vectors.map((embedding) => ({ embedding, weight: 1 })), staffId);
      if (e.distance > this.thresholds.assign || e.agreeing < Math.min(2, vectors.length)) continue;
      const at = this.clock.now();
      await this.hooks.mergedPersons?.(staffId, [customerId]);
      await this.erase(customerId);
      await store.updateDoc((d) => {
        d.folds = [...(d.folds ?? []), { customerId, staffId, distance: round(e.distance), at, reason }].slice(-1000);
      });
      log.info('customer folded into staff', { customerId, staffId, distance: round(e.distance), reason });
      folded.push(customerId);
    }
    return folded;
  }

  async touch(personId: string, at: number): Promise<void> {
    await this.ready().updateDoc((d) => {
      const p = d.persons[personId];
      if (p && (p.lastSeenAt === null || at > p.lastSeenAt)) p.lastSeenAt = at;
    });
  }

  private opened(): NonNullable<IdentityRecords['books']> {
    if (!this.books) throw new Error('identity is not started');
    return this.books;
  }
}

export const round = (x: number) => Math.round(x * 1000) / 1000;

export function pick(e: { personId: string; distance: number } | null): { personId: string; distance: number } | null {
  return e ? { personId: e.personId, distance: round(e.distance) } : null;
}
