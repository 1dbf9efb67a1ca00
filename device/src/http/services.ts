import type { z } from 'zod';
import type { Readable } from 'node:stream';
import type { Settings } from '../contracts/settings.js';
import type { CameraConfig, CameraStats } from '../contracts/camera.js';
import type { Visit } from '../contracts/visit.js';
import type { Result } from '../util/result.js';
import type * as H from '../contracts/http.js';
import type { MqttAccountCreate } from '../mqtt/accounts.js';

/**
 * The small interfaces the HTTP routes sit on. Each route group depends on one of these, never on a
 * concrete module; device/src/http/bindings.ts adapts the real store, identity, cameras and MQTT modules.
 */

/** A failure a service reports as a value; the HTTP layer maps `code` to a status. */
export interface ServiceError {
  code: 'not_found' | 'conflict' | 'invalid' | 'unavailable';
  message: string;
  details?: unknown;
}
export type ServiceResult<T> = Promise<Result<T, ServiceError>>;

type Out<S extends z.ZodType> = z.infer<S>;

export interface SettingsService {
  get(): Settings;
  /** Deep-merges the patch, validates the whole result, persists it; an invalid result changes nothing. */
  update(patch: Record<string, unknown>): ServiceResult<Out<typeof H.SettingsUpdateView>>;
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
  get(id: string): Out<typeof H.StaffView> | null;
  create(input: Out<typeof H.CreateStaffRequest>): ServiceResult<Out<typeof H.StaffView>>;
  update(id: string, input: Out<typeof H.UpdateStaffRequest>): ServiceResult<Out<typeof H.StaffView>>;
  remove(id: string): ServiceResult<Out<typeof H.StaffView>>;
  enrol(id: string, photos: UploadedPhoto[]): ServiceResult<Out<typeof H.EnrolResult>>;
  recognise(photo: UploadedPhoto): ServiceResult<Out<typeof H.RecognitionResult>>;
}

export interface CustomerService {
  list(query: Out<typeof H.CustomerQuery>): Promise<Out<typeof H.CustomerPage>>;
  get(id: string): Out<typeof H.CustomerView> | null;
  merge(intoId: string, fromIds: string[]): ServiceResult<Out<typeof H.CustomerView>>;
  split(id: string, sampleIds: string[]): ServiceResult<Out<typeof H.CustomerView>>;
  update(id: string, input: Out<typeof H.UpdateCustomerRequest>): ServiceResult<Out<typeof H.CustomerView>>;
  forget(id: string): ServiceResult<{ id: string }>;
}

export interface VisitService {
  list(query: H.VisitQuery): Promise<{ items: Visit[]; nextCursor: string | null }>;
  /** CSV rows (header first) for every visit matching the filters, streamed, newest first. */
  exportCsv(query: Omit<H.VisitQuery, 'cursor' | 'limit'>): Readable;
}

export interface ReportService {
  report(range: { from: string; to: string }): Promise<H.LocalReport>;
}

export interface ReviewService {
  list(): Out<typeof H.ReviewItem>[];
  assign(id: string, personId: string): ServiceResult<{ id: string }>;
  notThisPerson(id: string, personId?: string): ServiceResult<{ id: string }>;
  dismiss(id: string): ServiceResult<{ id: string }>;
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
