import { z } from 'zod';

/**
 * The visit: one person's stay at one site, across cameras. Defined once here; the store, MQTT,
 * HTTP, the device outbox and cloud-sync all import it.
 */
export const Gender = z.enum(['male', 'female']);
export type Gender = z.infer<typeof Gender>;

/** staff = enrolled employee; customer = anonymous returning-capable id; unknown = not yet decided. */
export const PersonKind = z.enum(['staff', 'customer', 'unknown']);
export type PersonKind = z.infer<typeof PersonKind>;

export const IsoTime = z.iso.datetime({ offset: true });
/** Counters are 32-bit wherever they are stored (the cloud's integer columns). */
const Count = z.number().int().min(0).max(2_147_483_647);

export const Demographics = z.object({
  /** Median of per-face age estimates over the visit; null when no face was good enough. */
  ageMedian: z.number().min(0).max(120).nullable(),
  /**
   * Gender decided over each track (its faces vote with their confidence), then over the visit's tracks; null when
   * none was decided or they disagree: unknown, not a guess.
   */
  gender: Gender.nullable(),
  /** How sure `gender` is (0–1: the winner's share of the tracks' votes × their mean confidence); null without votes. */
  genderConfidence: z.number().min(0).max(1).nullable().optional(),
  /** How many tracks contributed (0 means the figures above are null). */
  samples: Count,
});
export type Demographics = z.infer<typeof Demographics>;

/**
 * Whose visit: staff (attendance), customer (an anonymous, returning-capable id), or unidentified: a real face
 * track (stable over frames, started by a confident detection) that was never good enough to identify, e.g. too
 * small or blurred, or a person counted entering by their body whose face was never seen. Unidentified visitors
 * count as visitors; they never become customers or enter the gallery.
 */
export const VisitKind = z.enum(['staff', 'customer', 'unidentified']);
export type VisitKind = z.infer<typeof VisitKind>;

export const Visit = z.object({
  id: z.string().min(1).max(64),
  /** `S-…` for staff, `C-000123` for customers, `U-…` (one per face or person track) for unidentified visitors. Never a customer's name. */
  personId: z.string().min(1).max(64),
  kind: VisitKind,
  arrivedAt: IsoTime,
  lastSeenAt: IsoTime,
  /** Set when the visit closes (person unseen for visitGapMinutes). */
  departedAt: IsoTime.nullable(),
  dwellSeconds: z.number().min(0).max(1e9),
  cameras: z.array(z.string().min(1).max(64)).max(64),
  detections: Count,
  /** Store-relative id of the best face crop (JPEG), never sent to the cloud by default. */
  bestCropId: z.string().max(128).nullable(),
  demographics: Demographics,
  /** The customer's visit ordinal at this site (1 = first visit); staff visits count attendance. */
  visitNumber: Count.min(1),
  returning: z.boolean(),
  status: z.enum(['open', 'closed']),
});
export type Visit = z.infer<typeof Visit>;

export const VisitEventType = z.enum(['new', 'update', 'end']);
export type VisitEventType = z.infer<typeof VisitEventType>;

export const VisitEvent = z.object({
  type: VisitEventType,
  before: Visit.nullable(),
  after: Visit,
  at: IsoTime,
});
export type VisitEvent = z.infer<typeof VisitEvent>;
