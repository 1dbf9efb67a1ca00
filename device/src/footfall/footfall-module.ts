import type { Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import { PeopleStage } from '../people/people-stage.js';
import { PersonDetector } from '../people/person-detector.js';
import type { ApplianceStore } from '../store/appliance-store.js';
import type { ModelSet } from '../vision/model-registry.js';
import { FootfallCounter, FootfallData } from './footfall-counter.js';

export interface FootfallModule {
  /** The site's counts (a Feature: start it before the pipeline). */
  counter: FootfallCounter;
  /** The pipeline's person step (AnalysisPipelineDeps.people). */
  people: PeopleStage;
}

/**
 * Wires footfall onto an open store: hourly buckets in `footfall.json`, the person detector on the loaded
 * MoveNet session, and the people stage reading each camera's mode, lines and zones from the settings.
 */
export async function openFootfallModule(store: ApplianceStore, deps: { bus: EventBus; settings: () => Settings; models: ModelSet }): Promise<FootfallModule> {
  const counter = new FootfallCounter({
    doc: await store.document('footfall', FootfallData, { hours: {} }),
    bus: deps.bus,
    timezone: () => deps.settings().site.timezone,
    retentionDays: () => deps.settings().retention.visitDays,
  });
  const detector = new PersonDetector(deps.models.get('movenet-multipose').session);
  const people = new PeopleStage({ detector, camera: (id) => deps.settings().cameras.find((c) => c.id === id), footfall: counter });
  return { counter, people };
}
