import type { Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import type { Clock } from '../util/clock.js';
import type { TrackDecider, TrackedFace } from '../tracking/types.js';
import type { Logger } from '../util/log.js';
import type { FrameFeed } from '../frame/frame.js';
import { AnalysisPipeline, type PipelineEngine } from './analysis-pipeline.js';
import type { SightingSink } from './sighting-relay.js';
import type { PeopleStage } from '../people/people-stage.js';

export interface AppliancePipelineDeps {
  /** The settings at start (changes arrive through the pipeline's `onSettingsChanged`). */
  settings: Settings;
  bus: EventBus;
  engine: PipelineEngine;
  /** Identity's track decider (decides tracks, and sometimes an earlier track when a later one ends). */
  identity: TrackDecider<TrackedFace>;
  /** The VisitTracker (takes decided sightings). */
  visits: SightingSink;
  /** Person detection, tracks and footfall (cameras set to persons or both). */
  people?: PeopleStage;
  /** The CameraManager (frame listener API). */
  cameras: FrameFeed;
  clock?: Clock;
  log?: Logger;
}

/**
 * The composition root's one call: an AnalysisPipeline fed by the camera manager, deciding through identity and
 * reporting to visits. Start it after identity and visits, before the cameras; stop it before them.
 */
export function createAppliancePipeline(deps: AppliancePipelineDeps): AnalysisPipeline {
  const pipeline = new AnalysisPipeline({
    engine: deps.engine,
    decider: deps.identity,
    visits: deps.visits,
    bus: deps.bus,
    recognition: deps.settings.recognition,
    people: deps.people,
    clock: deps.clock,
    log: deps.log,
  });
  pipeline.attach(deps.cameras);
  return pipeline;
}
