import { join } from 'node:path';
import type { QualityGate } from '../tracking/quality-gate.js';
import { sectionChanged, type Settings } from '../contracts/settings.js';
import type { Feature } from '../util/feature.js';
import { createLogger } from '../util/log.js';
import { dataDir } from '../util/paths.js';
import { IdentityRecords, type IdentityRecordsOptions } from './identity-records.js';
import { PeopleAdmin } from './people-admin.js';
import { IdentityTrackDecider, type TrackDeciderOptions } from './track-decider.js';
import type { IdentityThresholds } from './thresholds.js';

const log = createLogger('identity');

export type IdentityOptions = Partial<IdentityRecordsOptions> & TrackDeciderOptions;

/**
 * The identity feature: opens the identity store and offers its two services over it, the track decider the
 * pipeline asks (`decider`) and the people-admin service the HTTP API and retention use (`people`).
 */
export class Identity implements Feature {
  readonly name = 'identity';
  readonly records: IdentityRecords;
  readonly decider: IdentityTrackDecider;
  readonly people: PeopleAdmin;

  constructor(opts: IdentityOptions = {}) {
    this.records = new IdentityRecords({ ...opts, dir: opts.dir ?? join(dataDir(), 'identity') });
    this.decider = new IdentityTrackDecider(this.records, opts);
    this.people = new PeopleAdmin(this.records);
  }

  async start(): Promise<void> {
    if (this.records.isOpen) return;
    const store = await this.records.open();
    log.info('identity ready', { persons: Object.keys(store.doc.persons).length, samples: store.gallery.size, review: store.doc.review.length });
  }

  async stop(): Promise<void> {
    await this.records.close(() => this.decider.reset());
  }

  setQualityGate(gate: QualityGate): void {
    this.records.setQualityGate(gate);
  }

  /** The quality gate (it also judges enrolment photos) follows the recognition settings. */
  onSettingsChanged(next: Settings, prev: Settings): void {
    if (sectionChanged(prev, next, 'recognition')) this.setQualityGate({ minFaceSize: next.recognition.minFaceSize, minSharpness: next.recognition.minSharpness });
  }

  get thresholds(): Readonly<IdentityThresholds> {
    return this.records.thresholds;
  }
}
