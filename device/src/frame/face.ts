/** What every layer knows about a face found in a frame, below vision/, tracking/, identity/ and store/. */

/** Length of a face embedding (face-api's ResNet descriptor); galleries, stores and files all use it. */
export const EMBEDDING_LENGTH = 128;

/** Per-face quality as the face engine measures it (vision/quality.ts) and tracking and identity judge it. */
export interface FaceQuality {
  /** Face width in pixels in the analysis frame. */
  size: number;
  /** Laplacian variance of the 64×64 gray face chip (0–255 scale; higher = sharper). */
  sharpness: number;
  /** 1 = frontal, → 0 as the head turns to profile. */
  frontal: number;
  /** Combined 0..1: how much an identity decision from this face can be trusted; ranks a track's shots. */
  score: number;
  /**
   * The head was rolled so far (25° or more) that its recognition chip was turned upright (vision/align.ts, the
   * roll policy; a milder roll levelled by the policy's `fitted` rule does not set it).
   * Such a descriptor may name someone known, but it never mints a new customer: a levelled head lands farther
   * from its own photos (a staff member's tilted head came 0.70–0.76 from hers). Absent: upright.
   */
  levelled?: boolean;
}
