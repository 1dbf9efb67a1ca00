/**
 * The wire shapes the pages use, inferred from the server's zod contracts (device/src/contracts/).
 * Type-only imports: no schema code reaches the browser bundle, and no shape is written twice.
 */
import type { z } from 'zod';
import type * as Http from '../../device/src/contracts/http.js';
import type * as Live from '../../device/src/contracts/live.js';
import type * as VisitC from '../../device/src/contracts/visit.js';
import type * as Cam from '../../device/src/contracts/camera.js';
import type * as SettingsC from '../../device/src/contracts/settings.js';

type Of<T extends z.ZodType> = z.infer<T>;
type In<T extends z.ZodType> = z.input<T>;

export type ErrorBody = Of<typeof Http.ErrorBody>;
export type UserView = Of<typeof Http.UserView>;
export type SessionView = Of<typeof Http.SessionView>;
export type MeView = Of<typeof Http.MeView>;
export type Role = UserView['role'];
export type UserList = Of<typeof Http.UserList>;
export type CreateUserRequest = In<typeof Http.CreateUserRequest>;
export type UpdateUserRequest = In<typeof Http.UpdateUserRequest>;
export type TokenView = Of<typeof Http.TokenView>;
export type TokenList = Of<typeof Http.TokenList>;
export type CreateTokenRequest = In<typeof Http.CreateTokenRequest>;
export type CreatedToken = Of<typeof Http.CreatedToken>;
export type SetupStatus = Of<typeof Http.SetupStatus>;
export type SetupRequest = In<typeof Http.SetupRequest>;
export type CloudClaimInput = In<typeof Http.CloudClaimInput>;
export type SettingsView = Of<typeof Http.SettingsView>;
export type SettingsUpdateView = Of<typeof Http.SettingsUpdateView>;
export type CameraView = Of<typeof Http.CameraView>;
export type CameraList = Of<typeof Http.CameraList>;
export type CameraUpdate = In<typeof Http.CameraUpdate>;
export type ConnectionTestResult = Of<typeof Http.ConnectionTestResult>;
export type VisitPage = Of<typeof Http.VisitPage>;
export type LocalReport = Of<typeof Http.LocalReport>;
export type AuditList = Of<typeof Http.AuditList>;
export type SystemInfo = Of<typeof Http.SystemInfo>;
export type HealthReport = Of<typeof Http.HealthReport>;
export type RestartAccepted = Of<typeof Http.RestartAccepted>;
export type MqttAccountList = Of<typeof Http.MqttAccountList>;
export type StaffList = Of<typeof Http.StaffList>;
export type StaffView = Of<typeof Http.StaffView>;
export type StaffDetail = Of<typeof Http.StaffDetail>;
export type EnrolResult = Of<typeof Http.EnrolResult>;
export type PhotoFeedback = Of<typeof Http.PhotoFeedback>;
export type RecognitionResult = Of<typeof Http.RecognitionResult>;
export type CustomerView = Of<typeof Http.CustomerView>;
export type CustomerDetail = Of<typeof Http.CustomerDetail>;
export type CustomerPage = Of<typeof Http.CustomerPage>;
export type MergeResult = Of<typeof Http.MergeResult>;
export type Forgotten = Of<typeof Http.Forgotten>;
export type ReviewItem = Of<typeof Http.ReviewItem>;
export type ReviewList = Of<typeof Http.ReviewList>;
export type Counts = Of<typeof Live.Counts>;
export type FaceEvent = Of<typeof Live.FaceEvent>;
export type Visit = Of<typeof VisitC.Visit>;
export type VisitEvent = Of<typeof VisitC.VisitEvent>;
export type CameraConfig = Of<typeof Cam.CameraConfig>;
export type CameraConfigInput = In<typeof Cam.CameraConfig>;
export type CameraStats = Of<typeof Cam.CameraStats>;
export type Settings = Of<typeof SettingsC.Settings>;
