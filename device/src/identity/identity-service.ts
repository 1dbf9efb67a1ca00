import { join } from 'node:path';
import type { CriticalSection } from '../util/critical-section.js';
import type { CropStore } from '../store/index.js';
import type { QualityGate } from '../tracking/quality-gate.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackSummary } from '../tracking/types.js';
import type { Feature } from '../util/feature.js';
import { createLogger } from '../util/log.js';
import { dataDir } from '../util/paths.js';
import { ok, type Result } from '../util/result.js';
import { CustomerBook, declaredDifferent, type CustomerDetail, type CustomerView } from './customers.js';
import { fail, notFound, type IdentityError } from './errors.js';
import { gatherEvidence, judge, nearestOf, type EvidenceShot, type PersonEvidence, type Verdict } from './evidence.js';
import { IdentityStore, type NewSample } from './identity-store.js';
import type { ReviewItem } from './model.js';
import { PendingUnknowns } from './pending-unknowns.js';
import { ReviewQueue } from './review-queue.js';
import { robustSplit } from './robust.js';
import { TrackMints } from './track-mints.js';
import { StaffBook, type EnrolPhoto, type EnrolReport, type StaffDetail, type StaffView } from './staff.js';
import { confidenceOf, defaultThresholds, type IdentityThresholds } from './thresholds.js';

const log = createLogger('identity');

export interface IdentityHooks {
  /** Remove what other stores hold about a forgotten person (visits links, counters). */
  forgetPerson?(personId: string): Promise<void>;
  /** Persons `sources` were merged into `target` (e.g. relabel open visits). */
  mergedPersons?(target: string, sources: readonly string[]): Promise<void>;
}

export interface IdentityServiceOptions {
  /** Folder for identity.json and embeddings/ (default <dataDir>/identity). */
  dir?: string;
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
  /** Good faces a track needs before it is decided (and that must agree with a match). */
  minGoodFaces?: number;
  /** Samples of the same track added to a known customer's gallery when the track ends. */
  samplesPerVisit?: number;
  clock?: { now(): number };
  hooks?: IdentityHooks;
}

/**
 * A customer formed from two tracks' lone faces: the EARLIER track had already ended undecided, so it is
 * handed over here (its summary and the decision it would have had) for the visit layer to record.
 */
export type EarlierTrackListener = (track: TrackSummary<TrackedFace>, decision: IdentityDecision) => void;

export interface PhotoIdentification {
  personId: string | null;
  kind: 'staff' | 'customer' | 'unknown';
  name: string | null;
  distance: number | null;
  runnerUp: { personId: string; distance: number } | null;
  verdict: Verdict['kind'];
}

/**
 * Who is this track? Staff, anonymous customers, the review queue and the 1:N gallery behind one
 * Feature. It implements the tracker's TrackDecider and the CRUD the HTTP layer needs. Every operation
 * runs under one lock, so a decision and the creation it implies are atomic (two tracks of one new
 * person cannot both create a customer at the same instant).
 */
export class IdentityService implements Feature, TrackDecider<TrackedFace> {
  readonly name = 'identity';
  private store: IdentityStore | null = null;
  private staffBook!: StaffBook;
  private customerBook!: CustomerBook;
  private reviewQueue!: ReviewQueue;
  private readonly pending = new PendingUnknowns<TrackSummary<TrackedFace>>();
  private readonly mints = new TrackMints();
  private readonly earlierTrackListeners = new Set<EarlierTrackListener>();
  private staffIdsMemo: { persons: object; ids: string[] } | null = null;
  private readonly t: IdentityThresholds;
  private gate: QualityGate;
  private readonly clock: { now(): number };
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: IdentityServiceOptions = {}) {
    this.t = { ...defaultThresholds, ...opts.thresholds };
    this.gate = opts.gate ?? { minFaceSize: 40, minSharpness: 15 };
    this.clock = opts.clock ?? { now: () => Date.now() };
  }

  async start(): Promise<void> {
    if (this.store) return;
    const store = await IdentityStore.open(this.opts.dir ?? join(dataDir(), 'identity'), this.opts.crops ?? null, this.opts.guard);
    this.store = store;
    this.staffBook = new StaffBook(store, this.t, () => this.gate);
    this.customerBook = new CustomerBook(store, this.opts.customerSamplesCap ?? 10);
    this.reviewQueue = new ReviewQueue(store, this.opts.reviewCap ?? 200);
    log.info('identity ready', { persons: Object.keys(store.doc.persons).length, samples: store.gallery.size, review: store.doc.review.length });
  }

  async stop(): Promise<void> {
    const store = this.store;
    if (!store) return;
    await this.locked(async () => {
      this.pending.clear();
      this.mints.clear();
      await store.close();
      this.store = null;
    });
  }

  setQualityGate(gate: QualityGate): void {
    this.gate = { ...gate };
  }

  get thresholds(): Readonly<IdentityThresholds> {
    return this.t;
  }

  // ---- track decisions -------------------------------------------------------------------------

  decide(summary: TrackSummary<TrackedFace>): Promise<IdentityDecision> {
    return this.locked(async () => {
      if (summary.shots.length < this.minGoodFaces) return undecided('insufficient');
      const own = this.ownMint(summary.trackId);
      const verdict = this.evaluate(summary, own);
      if (own) {
        // The track minted a customer from its first faces; its newer faces name someone already known.
        if (verdict.kind === 'match') {
          await this.retract(own, summary.trackId, verdict.best.personId);
          return this.matched(summary.trackId, verdict.best, verdict.runnerUp);
        }
        return this.createdDecision(own, summary.shots.map((s) => s.face.embedding), verdict.best);
      }
      if (verdict.kind === 'match') return this.matched(summary.trackId, verdict.best, verdict.runnerUp);
      if (verdict.kind === 'uncertain') return uncertain(verdict.best, verdict.runnerUp);
      // Nobody we know, but close to a staff member: keep collecting, a staff member's head may be turning.
      const staff = this.nearestStaff(summary.shots.map(toEvidenceShot), summary.concurrentPersonIds);
      if (staff && staff.distance <= this.t.staffGuard) return uncertain(staff, verdict.best);
      return this.newCustomerFromTrack(summary, verdict);
    });
  }

  /**
   * Listens for customers formed from two tracks: the earlier, already ended track and its decision.
   * Wire it to the visit layer so that track gets its visit too. Returns the unsubscribe function.
   */
  onEarlierTrackDecided(listener: EarlierTrackListener): () => void {
    this.earlierTrackListeners.add(listener);
    return () => this.earlierTrackListeners.delete(listener);
  }

  finish(summary: TrackSummary<TrackedFace>, last: IdentityDecision | null): Promise<IdentityDecision | null> {
    return this.locked(async () => {
      try {
        return await this.finishTrack(summary, last);
      } finally {
        this.mints.release(summary.trackId);
      }
    });
  }

  private async finishTrack(summary: TrackSummary<TrackedFace>, last: IdentityDecision | null): Promise<IdentityDecision | null> {
    const store = this.ready();
    if (last?.personId && Object.hasOwn(store.doc.persons, last.personId)) {
      await this.touch(last.personId, summary.lastSeenAt);
      if (last.kind === 'customer' && last.reason === 'matched') {
        await this.customerBook.addSamples(last.personId, summary.shots.slice(0, this.opts.samplesPerVisit ?? 2).map(toSample));
      }
      return null;
    }
    if (summary.shots.length === 0) return null; // too small or blurred throughout: counted, never identified
    if (summary.shots.length >= this.minGoodFaces) {
      const verdict = this.evaluate(summary, null);
      if (verdict.kind === 'match') return this.matched(summary.trackId, verdict.best, verdict.runnerUp);
      if (verdict.kind === 'uncertain') {
        await this.toReview(summary, verdict.reason, [verdict.best, verdict.runnerUp]);
        return null;
      }
      // Nobody we know. Near a staff member, the whole track must say "not them": enough shots, and not one
      // of them on its own within the same-person threshold of that staff member. Otherwise a human decides.
      const staff = this.nearestStaff(summary.shots.map(toEvidenceShot), summary.concurrentPersonIds);
      if (staff && staff.distance <= this.t.staffGuard && (summary.shots.length < this.t.nearStaffShots || staff.agreeing > 0)) {
        await this.toReview(summary, 'grey-zone', [staff, verdict.best]);
        return null;
      }
      const created = await this.newCustomerFromTrack(summary, verdict);
      if (created.personId) return created;
    }
    // Pending samples live on the tracks' own clock (frame times), not the wall clock.
    return this.pairWithPending(summary, summary.lastSeenAt);
  }

  private async toReview(summary: TrackSummary<TrackedFace>, reason: 'grey-zone' | 'small-margin', candidates: (PersonEvidence | null)[]): Promise<void> {
    const seen = new Set<string>();
    await this.reviewQueue.enqueue({
      at: this.clock.now(),
      cameraId: summary.cameraId,
      trackId: summary.trackId,
      reason,
      candidates: candidates
        .filter((c): c is PersonEvidence => c !== null && !seen.has(c.personId) && Boolean(seen.add(c.personId)))
        .map((c) => ({ personId: c.personId, distance: round(c.distance) })),
      vectors: summary.shots.slice(0, 3).map((s) => s.face.embedding),
      quality: summary.shots[0].face.quality.score,
      crop: summary.shots[0].face.crop,
    });
  }

  // ---- staff -----------------------------------------------------------------------------------

  listStaff(): StaffView[] {
    this.ready();
    return this.staffBook.list();
  }

  getStaff(id: string): Result<StaffDetail, IdentityError> {
    this.ready();
    return this.staffBook.detail(id);
  }

  createStaff(name: string): Promise<Result<StaffView, IdentityError>> {
    return this.locked(() => this.staffBook.create(name, this.clock.now()));
  }

  renameStaff(id: string, name: string): Promise<Result<StaffView, IdentityError>> {
    return this.locked(() => this.staffBook.rename(id, name));
  }

  /** Photos analysed by the face engine (see staff.ts `EnrolPhoto`); each gets a verdict. */
  enrolStaff(id: string, photos: readonly EnrolPhoto[]): Promise<Result<EnrolReport, IdentityError>> {
    return this.locked(() => this.staffBook.enrol(id, photos, this.clock.now()));
  }

  removeStaffSample(id: string, sampleId: string): Promise<Result<StaffView, IdentityError>> {
    return this.locked(() => this.staffBook.removeSample(id, sampleId));
  }

  // ---- customers -------------------------------------------------------------------------------

  listCustomers(): CustomerView[] {
    this.ready();
    return this.customerBook.list();
  }

  getCustomer(id: string): Result<CustomerDetail, IdentityError> {
    this.ready();
    return this.customerBook.detail(id);
  }

  /** Customers are never named: the only free text is a note for staff use. */
  setCustomerNote(id: string, note: string): Promise<Result<CustomerView, IdentityError>> {
    return this.locked(() => this.humanTouched([id], () => this.customerBook.setNote(id, note)));
  }

  splitCustomer(id: string, sampleIds: readonly string[]): Promise<Result<{ newId: string }, IdentityError>> {
    return this.locked(() => this.humanTouched([id], () => this.customerBook.split(id, sampleIds, this.clock.now())));
  }

  /**
   * Merges `sourceIds` into `targetId`: samples move, the sources disappear. Customers may merge into a
   * customer or a staff member (a human approving "this customer is our employee"); a staff member never
   * merges into anyone, and persons on record as different people never merge.
   */
  merge(targetId: string, sourceIds: readonly string[]): Promise<Result<{ target: string; merged: string[] }, IdentityError>> {
    return this.locked(async () => {
      const store = this.ready();
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
      this.humanTouched([targetId, ...sources], () => undefined);
      for (const s of sources) {
        await store.relabel(store.samplesOf(s).map((e) => e.sampleId), targetId);
        await this.reviewQueue.dropPerson(s, targetId);
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
      if (persons[targetId].kind === 'staff') await this.staffBook.refreshTemplate(targetId);
      else await this.customerBook.trimToCap(targetId);
      await this.opts.hooks?.mergedPersons?.(targetId, sources);
      return ok({ target: targetId, merged: sources });
    });
  }

  /** "Not this person" on one of a person's samples: the sample goes, its face is remembered as a negative. */
  notThisPerson(personId: string, sampleId: string): Promise<Result<{ removed: string }, IdentityError>> {
    return this.locked(async () => {
      const r = await this.humanTouched([personId], () => this.customerBook.notThisPerson(personId, sampleId, this.clock.now()));
      if (r.ok && this.staffBook.get(personId)) await this.staffBook.refreshTemplate(personId);
      return r;
    });
  }

  /** Forgets a person (staff or customer): embeddings, crops, review mentions, links in other stores. */
  forget(personId: string): Promise<Result<{ personId: string; samples: number; crops: number }, IdentityError>> {
    return this.locked(async () => {
      if (!Object.hasOwn(this.ready().doc.persons, personId)) return notFound('person', personId);
      const purged = await this.erase(personId);
      log.info('person forgotten', { personId, ...purged });
      return ok({ personId, ...purged });
    });
  }

  /** Removes a person everywhere: document, embeddings, crops, review mentions, other stores (hook). */
  private async erase(personId: string): Promise<{ samples: number; crops: number }> {
    const store = this.ready();
    this.mints.claimed(personId, null);
    await store.updateDoc((d) => {
      delete d.persons[personId];
      d.differentPairs = d.differentPairs.filter(([a, b]) => a !== personId && b !== personId);
    });
    const purged = await store.purgePerson(personId);
    await this.reviewQueue.dropPerson(personId, null);
    await this.opts.hooks?.forgetPerson?.(personId);
    return purged;
  }

  /** Customers last seen before `before` (epoch ms): what retention forgets after Settings.retention.customerUnseenDays. */
  customersUnseenSince(before: number): string[] {
    const store = this.ready();
    return Object.values(store.doc.persons)
      .filter((p) => p.kind === 'customer' && (p.lastSeenAt ?? p.createdAt) < before)
      .map((p) => p.id);
  }

  /** Kind and display name of a person (names only for staff), or null. */
  personInfo(personId: string): { kind: 'staff' | 'customer'; name: string | null } | null {
    const store = this.ready();
    const p = Object.hasOwn(store.doc.persons, personId) ? store.doc.persons[personId] : undefined;
    if (!p) return null;
    return { kind: p.kind, name: p.kind === 'staff' ? p.name : null };
  }

  // ---- review queue ----------------------------------------------------------------------------

  listReview(): ReviewItem[] {
    this.ready();
    return this.reviewQueue.list();
  }

  /** The human's answer "this is `personId`": the item's faces join that person (staff approval path). */
  assignReview(itemId: string, personId: string): Promise<Result<{ personId: string; added: number }, IdentityError>> {
    return this.locked(async () => {
      const store = this.ready();
      if (!this.reviewQueue.get(itemId)) return notFound('review item', itemId);
      if (!Object.hasOwn(store.doc.persons, personId)) return notFound('person', personId);
      const item = await this.reviewQueue.take(itemId);
      if (!item.ok) return item;
      this.humanTouched([personId], () => undefined);
      const kind = store.doc.persons[personId].kind;
      const samples = item.value.vectors.map((v) => ({ vector: Float32Array.from(v), quality: item.value.quality, at: item.value.createdAt }));
      let added = 0;
      if (kind === 'customer') added = await this.customerBook.addSamples(personId, samples);
      else {
        for (const s of samples) await store.addSample(personId, 'staff', s);
        added = samples.length;
        await this.staffBook.refreshTemplate(personId);
      }
      if (item.value.cropId && store.crops) await store.crops.reassign(item.value.cropId, { kind, personId });
      return ok({ personId, added });
    });
  }

  /** "Not this person" on a review item: remembered as a negative for that candidate (default: the best one). */
  notThisPersonReview(itemId: string, personId?: string): Promise<Result<{ personId: string }, IdentityError>> {
    return this.locked(async () => {
      const store = this.ready();
      const current = this.reviewQueue.get(itemId);
      if (!current) return notFound('review item', itemId);
      const who = personId ?? current.candidates[0]?.personId;
      if (!who) return fail('invalid', 'the item names no candidate; give the person');
      if (!Object.hasOwn(store.doc.persons, who)) return notFound('person', who);
      const item = await this.reviewQueue.take(itemId);
      if (!item.ok) return item;
      await this.customerBook.rememberNegative(who, Float32Array.from(item.value.vectors[0]), this.clock.now());
      await this.reviewQueue.deleteCrop(item.value);
      return ok({ personId: who });
    });
  }

  dismissReview(itemId: string): Promise<Result<{ dismissed: string }, IdentityError>> {
    return this.locked(async () => {
      const item = await this.reviewQueue.take(itemId);
      if (!item.ok) return item;
      await this.reviewQueue.deleteCrop(item.value);
      return ok({ dismissed: itemId });
    });
  }

  // ---- one photo (HTTP "test recognition") -----------------------------------------------------

  /**
   * Identifies the faces of one photo, closest first, never giving one person to two faces. A single
   * photo is weaker evidence than a track, so this is for checking enrolment, not for visits.
   */
  identifyPhotoFaces(faces: readonly { embedding: Float32Array }[]): PhotoIdentification[] {
    const store = this.ready();
    const order = faces.map((f, i) => ({ i, d: store.gallery.search(f.embedding).best?.distance ?? Infinity })).sort((a, b) => a.d - b.d);
    const claimed = new Set<string>();
    const out: PhotoIdentification[] = new Array(faces.length);
    for (const { i } of order) {
      const ev = gatherEvidence(store.gallery, [{ embedding: faces[i].embedding, weight: 1 }], claimed, (p) => this.negativesOf(p));
      const v = judge(ev, this.t, 1);
      const best = v.best;
      const info = v.kind === 'match' ? this.personInfo(v.best.personId) : null;
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

  // ---- internals -------------------------------------------------------------------------------

  private get minGoodFaces(): number {
    return Math.max(2, this.opts.minGoodFaces ?? 2);
  }

  /** The track's verdict; `ownMint` (a customer made of this track's own faces) is no evidence about it. */
  private evaluate(summary: TrackSummary<TrackedFace>, ownMint: string | null): Verdict {
    const store = this.ready();
    const shots = summary.shots.map(toEvidenceShot);
    const exclude = new Set(summary.concurrentPersonIds);
    if (ownMint) exclude.add(ownMint);
    const ev = gatherEvidence(store.gallery, shots, exclude, (p) => this.negativesOf(p));
    let verdict = judge(ev, this.t, Math.min(this.minGoodFaces, shots.length));
    if (verdict.kind === 'match' && this.personInfo(verdict.best.personId)?.kind === 'customer') {
      // A customer must clear every staff member by the wider staff margin, not only the runner-up.
      const staff = this.nearestStaff(shots, summary.concurrentPersonIds);
      if (staff && staff.distance - verdict.best.distance < this.t.staffMargin) verdict = { kind: 'uncertain', reason: 'small-margin', best: verdict.best, runnerUp: staff };
    }
    log.debug('track verdict', {
      trackId: summary.trackId,
      kind: verdict.kind,
      evidence: ev.slice(0, 3).map((e) => ({ p: e.personId, d: round(e.distance), a: e.agreeing })),
      frontal: summary.shots.map((s) => round(s.face.quality.frontal)),
      quality: summary.shots.map((s) => round(s.face.quality.score)),
    });
    return verdict;
  }

  private negativesOf(personId: string): Float32Array[] {
    const p = this.store?.doc.persons[personId];
    return p && p.negatives.length ? p.negatives.map((n) => Float32Array.from(n.vector)) : [];
  }

  /** Staff members, cached per document version (there are few; customers may be 100,000). */
  private staffIds(): string[] {
    const persons = this.ready().doc.persons;
    if (this.staffIdsMemo?.persons !== persons) {
      this.staffIdsMemo = { persons, ids: Object.values(persons).filter((p) => p.kind === 'staff').map((p) => p.id) };
    }
    return this.staffIdsMemo.ids;
  }

  /** The staff member nearest to these shots, leaving out staff held by a face in the same frame. */
  private nearestStaff(shots: readonly EvidenceShot[], concurrent: readonly string[]): PersonEvidence | null {
    return nearestOf(this.ready().gallery, shots, this.staffIds().filter((id) => !concurrent.includes(id)));
  }

  /** A human acted on these persons: a customer a track minted is no longer that track's to take back. */
  private humanTouched<T>(personIds: readonly string[], action: () => T): T {
    for (const id of personIds) this.mints.claimed(id, null);
    return action();
  }

  /** The customer this track minted, if it still exists. */
  private ownMint(trackId: string): string | null {
    const id = this.mints.mintedBy(trackId);
    return id && Object.hasOwn(this.ready().doc.persons, id) ? id : null;
  }

  /**
   * Takes back a customer minted from a track's first faces once the same track is found to be `knownId`:
   * only while nothing else relies on it (no other track decided as it, no human acted on it).
   */
  private async retract(customerId: string, trackId: string, knownId: string): Promise<void> {
    if (this.mints.retractable(trackId) !== customerId) return;
    this.mints.release(trackId);
    await this.erase(customerId);
    log.info('customer retracted: its own track is someone known', { personId: customerId, trackId, knownId });
  }

  private matched(trackId: string, best: PersonEvidence, runnerUp: PersonEvidence | null): IdentityDecision {
    this.mints.claimed(best.personId, trackId);
    const info = this.personInfo(best.personId);
    return {
      personId: best.personId,
      kind: info?.kind ?? 'unknown',
      name: info?.name ?? null,
      score: confidenceOf(best.distance),
      distance: round(best.distance),
      runnerUp: pick(runnerUp),
      reason: 'matched',
    };
  }

  /** Nobody we know: a new customer, but only from at least two consistent samples of this track. */
  private async newCustomerFromTrack(summary: TrackSummary<TrackedFace>, verdict: Verdict): Promise<IdentityDecision> {
    const split = robustSplit(summary.shots.map((s) => s.face.embedding), this.t.consistent);
    if (split.inliers.length < this.minGoodFaces) return { ...undecided('inconsistent'), runnerUp: pick(verdict.best) };
    const samples = split.inliers.slice(0, 3).map((i) => toSample(summary.shots[i]));
    const id = await this.customerBook.create(samples, summary.lastSeenAt);
    this.mints.record(summary.trackId, id);
    log.info('new customer', { personId: id, cameraId: summary.cameraId, trackId: summary.trackId, samples: samples.length });
    return this.createdDecision(id, summary.shots.map((s) => s.face.embedding), verdict.best);
  }

  /** A lone good face: pair it with a lone face of another track, else keep it for a while. */
  private async pairWithPending(summary: TrackSummary<TrackedFace>, now: number): Promise<IdentityDecision | null> {
    const store = this.ready();
    const shot = summary.shots[0];
    const near = store.gallery.search(shot.face.embedding, new Set(summary.concurrentPersonIds)).best;
    if (near && near.distance <= this.t.unknown) return null; // near someone known: one face cannot decide that
    // Ambiguous with a staff member: one face can never rule the staff member out, so it never waits to pair.
    const staff = this.nearestStaff([toEvidenceShot(shot)], summary.concurrentPersonIds);
    if (staff && staff.distance <= this.t.staffGuard) return null;
    const mine = { trackId: summary.trackId, cameraId: summary.cameraId, firstSeenAt: summary.firstSeenAt, lastSeenAt: summary.lastSeenAt, vector: shot.face.embedding, quality: shot.face.quality.score, track: summary };
    const other = this.pending.takeMatch(mine, this.t.consistent, now);
    if (!other) {
      this.pending.add(mine, now);
      return null;
    }
    const samples: NewSample[] = [other, mine].map((p) => ({ vector: p.vector, quality: p.quality, at: p.lastSeenAt, crop: p.track.shots[0]?.face.crop }));
    const id = await this.customerBook.create(samples, summary.lastSeenAt);
    log.info('new customer from two tracks', { personId: id, tracks: [other.trackId, mine.trackId] });
    const nearest = near ? { personId: near.personId, distance: near.distance, agreeing: 0 } : null;
    this.tellEarlierTrack(other.track, this.createdDecision(id, [other.vector], nearest));
    return this.createdDecision(id, [shot.face.embedding], nearest);
  }

  private tellEarlierTrack(track: TrackSummary<TrackedFace>, decision: IdentityDecision): void {
    for (const listener of this.earlierTrackListeners) {
      try {
        listener(track, decision);
      } catch (e) {
        log.warn('earlier-track listener failed', { trackId: track.trackId, error: String(e) });
      }
    }
  }

  private createdDecision(id: string, vectors: Float32Array[], nearestOther: PersonEvidence | null): IdentityDecision {
    const store = this.ready();
    const d = vectors.reduce((n, v) => n + store.gallery.distanceToPerson(v, id), 0) / vectors.length;
    return { personId: id, kind: 'customer', name: null, score: confidenceOf(d), distance: round(d), runnerUp: pick(nearestOther), reason: 'new-customer' };
  }

  private async touch(personId: string, at: number): Promise<void> {
    await this.ready().updateDoc((d) => {
      const p = d.persons[personId];
      if (p && (p.lastSeenAt === null || at > p.lastSeenAt)) p.lastSeenAt = at;
    });
  }

  private ready(): IdentityStore {
    if (!this.store) throw new Error('IdentityService is not started');
    return this.store;
  }

  private locked<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(() => {
      this.ready();
      return fn();
    });
    this.chain = run.catch(() => {});
    return run;
  }
}

function undecided(reason: IdentityDecision['reason']): IdentityDecision {
  return { personId: null, kind: 'unknown', name: null, score: 0, distance: null, runnerUp: null, reason };
}

/** Not decided: close to `best` but not surely them (the track keeps collecting). */
function uncertain(best: PersonEvidence, runnerUp: PersonEvidence | null): IdentityDecision {
  return { ...undecided('uncertain'), distance: round(best.distance), score: confidenceOf(best.distance), runnerUp: pick(runnerUp) };
}

function toEvidenceShot(s: { face: { embedding: Float32Array }; weight: number }): EvidenceShot {
  return { embedding: s.face.embedding, weight: s.weight };
}

function pick(e: { personId: string; distance: number } | null): { personId: string; distance: number } | null {
  return e ? { personId: e.personId, distance: round(e.distance) } : null;
}

function toSample(s: { face: TrackedFace & { embedding: Float32Array }; at: number }): NewSample {
  return { vector: s.face.embedding, quality: s.face.quality.score, at: s.at, crop: s.face.crop };
}

const round = (x: number) => Math.round(x * 1000) / 1000;

