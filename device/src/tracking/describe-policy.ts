import { isDecisive, type QualityGate } from './quality-gate.js';
import type { Track } from './track.js';
import type { TrackedFace } from './types.js';

/** What to compute for one detected face before tracking: the descriptor, and age/gender with it. */
export interface DescribePlan {
  embed: boolean;
  /** Only meaningful with `embed` (age/gender run on the same aligned face). */
  ageGender: boolean;
}

export interface DescribePolicyOptions extends QualityGate {
  /** Best shots kept per track. */
  topK: number;
  /** Good faces a track needs before identity is asked. */
  minGoodFaces: number;
  /** Any live track gets a descriptor at least this often (the appearance check that splits shot cuts needs one). */
  verifyEveryMs: number;
  /** A decided track is re-described early only for a face this much better (quality) than its best shot. */
  betterShotMargin: number;
  /** Age/gender run for this many good faces per track; later only for a new best shot. */
  demographicShots: number;
  /** A decided track's face is located (landmarks + quality) at least this often, to spot a clearly better shot. */
  requalifyEveryMs: number;
}

const NOTHING: DescribePlan = { embed: false, ageGender: false };

/**
 * Whether a detected face needs landmarks and quality (≈ 1–2 ms a face) before tracking. They exist to pick
 * the faces worth describing, so a face of a decided track needs them only when a re-verification is due or
 * every `requalifyEveryMs` (to catch a clearly better shot); every other face is located on every frame.
 */
export function needsLocating<F extends TrackedFace>(track: Track<F> | null, at: number, opts: DescribePolicyOptions): boolean {
  if (track === null || track.state !== 'decided') return true;
  return at - track.lastEmbeddingAt >= opts.verifyEveryMs || at - track.qualityCheckedAt >= opts.requalifyEveryMs;
}

/**
 * Which faces deserve the expensive describe step (descriptor ≈ 4–8 ms, age/gender ≈ 3 ms a face on this box).
 * Only faces that can change a decision are described:
 * - a face that fails the quality gate never decides anything: never;
 * - a new track, or an undecided one that lacks the good faces a decision needs: always;
 * - an undecided track with enough shots: when the face would enter its top-K (its evidence changes);
 * - a decided track: when the face clearly beats its best shot (a re-verification worth having);
 * - any track at least every `verifyEveryMs`, so the appearance check keeps following the person.
 * Demographics are a median/majority over the track, so a few good samples (plus new best shots) suffice.
 */
export function planDescription<F extends TrackedFace>(track: Track<F> | null, face: TrackedFace, at: number, opts: DescribePolicyOptions): DescribePlan {
  if (!isDecisive(face, opts)) return NOTHING;
  if (track === null) return { embed: true, ageGender: true };
  const q = face.quality.score;
  const best = track.shots.length ? track.shots[0].face.quality.score : -Infinity;
  const embed =
    at - track.lastEmbeddingAt >= opts.verifyEveryMs ||
    (track.state === 'decided' ? q >= best + opts.betterShotMargin : track.shots.length < opts.minGoodFaces || track.wouldKeep(q, opts.topK));
  if (!embed) return NOTHING;
  return { embed, ageGender: track.demographicSamples < opts.demographicShots || q > best };
}
