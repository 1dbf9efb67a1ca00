import type { z } from 'zod';
import type { Readable } from 'node:stream';
import type { Settings } from '../contracts/settings.js';
import type { CameraConfig, CameraStats } from '../contracts/camera.js';
import type { Visit } from '../contracts/visit.js';
import type { Result } from '../util/result.js';
import type * as H from '../contracts/http.js';
import type * as P from '../contracts/placement.js';
import type * as C from '../contracts/enrol-capture.js';
import type * as R from '../contracts/review-groups.js';
import type * as B from '../contracts/backup.js';
import type { MqttAccountCreate } from '../mqtt/accounts.js';

/**
 * The small interfaces the HTTP routes sit on. Each route group depends on one of these, never on a
 * concrete module; device/src/services/bindings.ts adapts the real store, identity, cameras and MQTT modules.
 */

/** A failure a service reports as a value; the HTTP layer maps `code` to a status. */
export interface ServiceError {
  code: 'not_found' | 'conflict' | 'invalid' | 'unavailable';
  message: string;
  details?: unknown;
}
export type ServiceResult<T> = Promise<Result<T, ServiceError>>;

type Out<S extends z.ZodType> = z.infer<S>;

export type SettingsUpdate = Out<typeof H.SettingsUpdateView>;
/** A deep-partial patch, or a function computing it from the current settings (run under the write lock). */
export type SettingsPatchInput = Record<string, unknown> | ((current: Settings) => Result<Record<string, unknown>, ServiceError>);

export interface SettingsService {
  get(): Settings;
  /** Deep-merges the patch, validates the whole result, persists it; an invalid result changes nothing. */
  update(patch: SettingsPatchInput): ServiceResult<SettingsUpdate>;
}

export interface CameraService {
  list(): Out<typeof H.CameraView>[];
  get(id: string): Out<typeof H.CameraView> | null;
  create(config: z.input<typeof H.CameraView.shape.config>): ServiceResult<Out<typeof H.CameraView>>;
  update(id: string, patch: Out<typeof H.CameraUpdate>): ServiceResult<Out<typeof H.CameraView>>;
  remove(id: string): ServiceResult<Out<typeof H.CameraView>>;
  testConnection(id: string): ServiceResult<Out<typeof H.ConnectionTestResult>>;
}

/** What the camera layer (CameraManager, testConnection) gives the camera routes and health. */
export interface CameraRuntime {
  stats(): CameraStats[];
  testConnection(config: CameraConfig, timeoutMs: number): Promise<Out<typeof H.ConnectionTestResult>>;
}

export interface UploadedPhoto {
  /** The client's file name, for feedback only (never used as a path). */
  name: string;
  data: Buffer;
}

export interface StaffService {
  list(): Out<typeof H.StaffView>[];
  get(id: string): ServiceResult<Out<typeof H.StaffDetail>>;
  create(input: Out<typeof H.CreateStaffRequest>): ServiceResult<Out<typeof H.StaffView>>;
  update(id: string, input: Out<typeof H.UpdateStaffRequest>): ServiceResult<Out<typeof H.StaffView>>;
  /** Removes the staff member with every sample and crop. */
  remove(id: string): ServiceResult<Out<typeof H.Forgotten>>;
  /** Analyses the photos with the face engine and enrols the usable ones; feedback per photo. */
  enrol(id: string, photos: UploadedPhoto[]): ServiceResult<Out<typeof H.EnrolResult>>;
  /** "Test recognition": who the appliance sees in one photo. */
  recognise(photo: UploadedPhoto): ServiceResult<Out<typeof H.RecognitionResult>>;
}

export interface CustomerService {
  list(query: Out<typeof H.CustomerQuery>): ServiceResult<Out<typeof H.CustomerPage>>;
  get(id: string): ServiceResult<Out<typeof H.CustomerDetail>>;
  merge(intoId: string, fromIds: string[]): ServiceResult<Out<typeof H.MergeResult>>;
  /** Moves the samples to a new customer id and returns that customer. */
  split(id: string, sampleIds: string[]): ServiceResult<Out<typeof H.CustomerDetail>>;
  update(id: string, input: Out<typeof H.UpdateCustomerRequest>): ServiceResult<Out<typeof H.CustomerView>>;
  forget(id: string): ServiceResult<Out<typeof H.Forgotten>>;
}

export interface VisitService {
  /** Raw query object (validated by the visits module's own filter schema). */
  list(query: unknown): ServiceResult<{ items: Visit[]; nextCursor: string | null }>;
  /** CSV (header first) of every visit matching the filters, newest first, as a stream. */
  exportCsv(query: unknown): Result<Readable, ServiceError>;
  report(query: { from?: string; to?: string }): ServiceResult<H.LocalReport>;
}

export interface ReviewService {
  list(): Out<typeof H.ReviewItem>[];
  assign(id: string, personId: string): ServiceResult<Out<typeof H.ReviewDone>>;
  notThisPerson(id: string, personId?: string): ServiceResult<Out<typeof H.ReviewDone>>;
  dismiss(id: string): ServiceResult<Out<typeof H.ReviewDone>>;
}

export interface MqttAccountService {
  list(): Promise<Out<typeof H.MqttAccountView>[]>;
  create(input: z.output<typeof MqttAccountCreate>): ServiceResult<Out<typeof H.MqttAccountView>>;
  remove(username: string): ServiceResult<{ username: string }>;
}

/** Face crops (JPEG) by store id; ids are validated by the store, never turned into paths here. */
export interface CropService {
  read(cropId: string): Promise<Buffer | null>;
}

export interface SystemService {
  info(): Out<typeof H.SystemInfo>;
  /** Asks the composition root to restart the appliance (e.g. process exit under a supervisor). */
  requestRestart(reason: string): void;
}

// ---- page tools: placement check, enrol from a camera or from seen faces, review groups, backup ----------

export interface PlacementService {
  /** Figures for one camera (not_found for a camera that is not configured). */
  report(cameraId: string, minutes: number): Result<Out<typeof P.CameraPlacement>, ServiceError>;
  /** Every configured camera. */
  all(minutes: number): Out<typeof P.PlacementReport>;
}

export interface EnrolCaptureService {
  start(req: Out<typeof C.StartCaptureRequest>): Result<Out<typeof C.CaptureView>, ServiceError>;
  get(id: string): Result<Out<typeof C.CaptureView>, ServiceError>;
  /** A shot's JPEG, or null. */
  shot(id: string, shotId: string): Buffer | null;
  drop(id: string): boolean;
  /** Enrols the kept shots of a finished capture into a staff member (same checks as uploaded photos). */
  enrol(staffId: string, req: Out<typeof C.EnrolCaptureRequest>): ServiceResult<Out<typeof H.EnrolResult>>;
  /** Enrols faces the box already saw: review items, customers, or some samples of a customer. */
  enrolSeen(staffId: string, req: Out<typeof C.EnrolSeenRequest>): ServiceResult<Out<typeof C.EnrolSeenResult>>;
}

export interface ReviewGroupService {
  groups(): Out<typeof R.ReviewGroupList>;
  act(req: Out<typeof R.ReviewBatchRequest>): Promise<Out<typeof R.ReviewBatchResult>>;
}

export interface ForgetPreviewService {
  preview(personId: string): ServiceResult<Out<typeof H.ForgetPreview>>;
}

export type RestoreError = { code: 'too_large' | 'refused' | 'conflict'; message: string };

export interface BackupService {
  /** The archive as a stream, and a file name for the download. */
  archive(): { stream: Readable; filename: string };
  status(): Promise<Out<typeof B.RestoreStatus>>;
  /** Checks the uploaded archive whole, stages it, then restarts the appliance to apply it. */
  restore(input: Readable, expectedBytes: number | undefined): Promise<Result<Out<typeof B.RestoreStatus>, RestoreError>>;
}
