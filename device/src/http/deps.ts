import type { Accounts } from '../accounts/accounts.js';
import type { EventBus } from '../events.js';
import type { SystemHealth } from '../health/system-health.js';
import type { Logger } from '../util/log.js';
import type { LiveView } from './live/live-view.js';
import type { EventStream } from './live/event-stream.js';
import type * as S from './services.js';
import { HttpError } from './errors.js';
import type { CloudStatus } from '../contracts/http.js';

/** Everything the HTTP app is built from. Services not wired yet answer 503 `unavailable`. */
export interface HttpDeps {
  accounts: Accounts;
  settings: S.SettingsService;
  system: S.SystemService;
  health: SystemHealth;
  events: EventStream;
  bus: EventBus;
  version: string;
  cameras?: S.CameraService;
  staff?: S.StaffService;
  customers?: S.CustomerService;
  visits?: S.VisitService;
  review?: S.ReviewService;
  mqttAccounts?: S.MqttAccountService;
  crops?: S.CropService;
  placement?: S.PlacementService;
  captures?: S.EnrolCaptureService;
  reviewGroups?: S.ReviewGroupService;
  forgetPreview?: S.ForgetPreviewService;
  backup?: S.BackupService;
  live?: LiveView;
  /** The cloud link (the sync service): its state for the pages, and a nudge to try now after a new claim code. */
  cloudLink?: { status(): CloudStatus; tryNow(): void };
  /** The built web page's folder (default dist/ui); null serves no page (API-only tests). */
  uiDir?: string | null;
  log?: Logger;
}

/** Returns a wired service or answers 503, so a missing module is a clear error, never a crash. */
export function need<T>(service: T | undefined, what: string): T {
  if (!service) throw new HttpError(503, 'unavailable', `${what} is not available on this appliance`);
  return service;
}
