/**
 * The wire shapes HQ's page uses, inferred from the zod contracts (device/src/contracts/hq.ts and the
 * report answers of cloud-sync). Type-only imports: no schema code reaches the bundle.
 */
import type { Of } from '../kit/wire.js';
import type * as Hq from '../../device/src/contracts/hq.js';

export type HqRole = Of<typeof Hq.HqRole>;
export type MeView = Of<typeof Hq.MeView>;
export type SiteView = Of<typeof Hq.SiteView>;
export type FleetDevice = Of<typeof Hq.FleetDevice>;
export type FleetCamera = Of<typeof Hq.FleetCamera>;
export type DeviceDetail = Of<typeof Hq.DeviceDetail>;
export type ClaimCodeView = Of<typeof Hq.ClaimCodeView>;
export type PersonView = Of<typeof Hq.PersonView>;
export type InviteAnswer = Of<typeof Hq.InviteAnswer>;
export type AlertKind = Of<typeof Hq.AlertKind>;
export type AlertRuleView = Of<typeof Hq.AlertRuleView>;
export type AlertEventView = Of<typeof Hq.AlertEventView>;
export type WebhookView = Of<typeof Hq.WebhookView>;

/** Every report answers `{from, to, siteIds, data}`; `from`/`to` are the period actually used. */
export interface ReportAnswer<T> {
  from: string;
  to: string;
  siteIds: string[];
  data: T;
}
export interface SiteSummary {
  siteId: string;
  siteName: string;
  timezone: string;
  visits: number;
  uniqueVisitors: number;
  newVisitors: number;
  returningVisitors: number;
  staffVisits: number;
  medianDwellSeconds: number | null;
  /** The median is read from fine dwell bins: it is within half of this of the exact median (null: 24 h or more). */
  medianDwellResolutionSeconds: number | null;
  meanDwellSeconds: number | null;
}
export interface VisitBucket {
  siteId: string;
  bucket: string;
  visits: number;
  uniqueVisitors: number;
}
export interface DwellReport {
  bins: Array<{ fromSeconds: number; toSeconds: number | null; visits: number }>;
  medianSeconds: number | null;
  medianResolutionSeconds: number | null;
  closedVisits: number;
}
export interface DemographicsReport {
  ageBands: Array<{ band: string; male: number; female: number; unknownGender: number; total: number }>;
  unknownAge: number;
  gender: { male: number; female: number; unknown: number };
}
export interface HeatmapReport {
  weekdays: string[];
  cells: number[][];
}
export interface PeakHour {
  hour: number;
  visits: number;
  meanPerSiteDay: number;
}
export interface ComparisonRow {
  siteId: string;
  siteName: string;
  visits: number;
  previousVisits: number;
  visitsChangePercent: number | null;
  uniqueVisitors: number;
  previousUniqueVisitors: number;
  uniqueVisitorsChangePercent: number | null;
  medianDwellSeconds: number | null;
  medianDwellResolutionSeconds: number | null;
  previousMedianDwellSeconds: number | null;
  previousMedianDwellResolutionSeconds: number | null;
}
export interface ComparisonReport {
  period: { from: string; to: string };
  previous: { from: string; to: string };
  sites: ComparisonRow[];
}
export interface StaffDay {
  siteId: string;
  siteName: string;
  timezone: string;
  personId: string;
  displayName: string | null;
  day: string;
  visits: number;
  hours: number;
  firstIn: string;
  lastOut: string;
}
