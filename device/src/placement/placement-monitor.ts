import type { CameraFrame } from '../frame/frame.js';
import type { CameraPlacement } from '../contracts/placement.js';
import type { RecognitionSettings } from '../contracts/settings.js';
import type { z } from 'zod';
import { isLocated, type FrameObserver } from '../pipeline/analysis-pipeline.js';
import { isDecisive } from '../tracking/quality-gate.js';
import type { TrackedFace } from '../tracking/types.js';
import type { Feature } from '../util/feature.js';
import { median, roundTo } from '../util/stats.js';
import { GOOD_FACE_PX, MIN_IDENTITY_FACE_PX, MIN_IDENTITY_SHARPNESS } from '../vision/quality.js';
import type { LocatedFace } from '../vision/engine.js';
import { placementAdvice, type PlacementNeeds } from './advice.js';

/** One measured face. */
interface Sample {
  at: number;
  width: number;
  sharpness: number;
  frontal: number;
  identifiable: boolean;
}

/** How far back figures can look (the query caps at this). */
export const PLACEMENT_WINDOW_MS = 60 * 60_000;
/** Samples kept per camera: a busy door at 10 fps fills an hour with far fewer measured faces than this. */
export const MAX_SAMPLES_PER_CAMERA = 20_000;
/** Median frontal score under which faces are mostly seen from the side. */
export const GOOD_FRONTAL = 0.5;

export interface PlacementMonitorDeps {
  /** The pipeline whose analysed faces are watched. */
  pipeline: { observe(o: FrameObserver): () => void };
  recognition: () => z.output<typeof RecognitionSettings>;
  now?: () => number;
}

/**
 * The placement check: remembers the size, sharpness and pose of every face the pipeline measured (faces whose
 * landmarks were located) per camera, and reports medians over the last minutes with an installer's advice.
 */
export class PlacementMonitor implements Feature, FrameObserver {
  readonly name = 'placement';
  private readonly samples = new Map<string, Sample[]>();
  private off: (() => void) | null = null;

  constructor(private readonly deps: PlacementMonitorDeps) {}

  async start(): Promise<void> {
    this.off ??= this.deps.pipeline.observe(this);
  }

  async stop(): Promise<void> {
    this.off?.();
    this.off = null;
  }

  observe(frame: CameraFrame, at: number, faces: ReadonlyArray<LocatedFace | TrackedFace>): void {
    const measured = faces.filter(isLocated);
    if (!measured.length) return;
    const gate = this.gate();
    let list = this.samples.get(frame.cameraId);
    if (!list) this.samples.set(frame.cameraId, (list = []));
    for (const f of measured) {
      list.push({ at, width: f.quality.size, sharpness: f.quality.sharpness, frontal: f.quality.frontal, identifiable: isDecisive(f, gate) });
    }
    const cutoff = at - PLACEMENT_WINDOW_MS;
    let drop = 0;
    while (drop < list.length && (list[drop].at < cutoff || list.length - drop > MAX_SAMPLES_PER_CAMERA)) drop++;
    if (drop) list.splice(0, drop);
  }

  /** Forgets a removed camera's figures. */
  forget(cameraId: string): void {
    this.samples.delete(cameraId);
  }

  cameraIds(): string[] {
    return [...this.samples.keys()];
  }

  /** Figures and advice for one camera over the last `minutes`. */
  report(cameraId: string, minutes: number): CameraPlacement {
    const now = this.deps.now?.() ?? Date.now();
    const from = now - minutes * 60_000;
    const window = (this.samples.get(cameraId) ?? []).filter((s) => s.at >= from && s.at <= now + 60_000);
    const needs = this.needs();
    const round = (x: number | null, d: number) => (x === null ? null : roundTo(x, d));
    const figures = {
      facesMeasured: window.length,
      medianFaceWidthPx: round(median(window.map((s) => s.width)), 1),
      medianSharpness: round(median(window.map((s) => s.sharpness)), 1),
      medianFrontal: round(median(window.map((s) => s.frontal)), 2),
      identifiableShare: window.length ? roundTo(window.filter((s) => s.identifiable).length / window.length, 3) : null,
    };
    return {
      cameraId,
      from: new Date(from).toISOString(),
      to: new Date(now).toISOString(),
      ...figures,
      ...placementAdvice(figures, needs, minutes),
      needs,
    };
  }

  private gate() {
    const r = this.deps.recognition();
    return { minFaceSize: r.minFaceSize, minSharpness: r.minSharpness };
  }

  /** The gates in force: the settings, never looser than the engine's own measured floor. */
  private needs(): PlacementNeeds {
    const g = this.gate();
    return {
      minFaceWidthPx: Math.max(g.minFaceSize, MIN_IDENTITY_FACE_PX),
      goodFaceWidthPx: GOOD_FACE_PX,
      minSharpness: Math.max(g.minSharpness, MIN_IDENTITY_SHARPNESS),
      goodFrontal: GOOD_FRONTAL,
    };
  }
}
