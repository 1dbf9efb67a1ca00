import type { Settings } from '../contracts/settings.js';
import type { EventBus } from '../events.js';
import type { Clock } from '../util/clock.js';
import type { IdentityDecision, TrackDecider, TrackedFace, TrackSummary } from '../tracking/types.js';
import type { Logger } from '../util/log.js';
import type { FrameFeed } from '../frame/frame.js';
import { AnalysisPipeline, type PipelineEngine } from './analysis-pipeline.js';
import type { SightingSink } from './sighting-relay.js';

export interface AppliancePipelineDeps {
  /** The settings at start (changes arrive through the pipeline's `onSettingsChanged`). */
  settings: Settings;
  bus: EventBus;
  engine: PipelineEngine;
  /** The IdentityService (decides tracks, and sometimes a track after it ended). */
  identity: TrackDecider<TrackedFace> & {
    onEarlierTrackDecided?(listener: (track: TrackSummary<TrackedFace>, decision: IdentityDecision) => void): () => void;
  };
  /** The VisitTracker (takes decided sightings). */
  visits: SightingSink;
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
    clock: deps.clock,
    log: deps.log,
  });
  pipeline.attach(deps.cameras);
  deps.identity.onEarlierTrackDecided?.((track, decision) => pipeline.decidedAfterEnd(track, decision));
  return pipeline;
}
