/**
 * HQ's calls through the kit's one HTTP client, pointed at cloud-sync (`/api`, CSRF cookie
 * `cva_hq_csrf`), and what each role may do on the page (the server checks every call anyway).
 */
import { configureApi } from '../kit/api.js';
import { kitStrings } from '../kit/strings.js';
import type { HqRole } from './contracts.js';
import { S } from './strings.js';

configureApi({ base: '/api', csrfCookie: 'cva_hq_csrf', offlineMessage: S.offline });
kitStrings.offline = S.offline;

export const PERMISSIONS: Record<HqRole, readonly string[]> = {
  org_admin: ['fleet.read', 'reports.read', 'alerts.read', 'sites.manage', 'users.manage', 'alerts.manage', 'devices.manage'],
  analyst: ['fleet.read', 'reports.read', 'alerts.read'],
  regional_manager: ['fleet.read', 'reports.read', 'alerts.read'],
};

export { api, ApiError } from '../kit/api.js';
