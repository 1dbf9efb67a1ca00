/**
 * HQ's routes, in navigation order; each names the permission it needs (see api.ts). Pages load lazily.
 * To add a page: write ui/hq/pages/<name>.tsx with a default export, add a line here.
 */
import { lazy } from 'preact-iso';
import type { PageRoute } from '../kit/page-frame.js';
import { S } from './strings.js';

export const routes: PageRoute[] = [
  { path: '/', label: S.nav.fleet, permission: 'fleet.read', component: lazy(() => import('./pages/fleet.js')) },
  { path: '/devices/:id', permission: 'fleet.read', component: lazy(() => import('./pages/device.js')) },
  { path: '/sites', label: S.nav.sites, permission: 'sites.manage', component: lazy(() => import('./pages/sites.js')) },
  { path: '/sites/:siteId/claim-sheet/:code', permission: 'sites.manage', component: lazy(() => import('./pages/claim-sheet.js')) },
  { path: '/reports', label: S.nav.reports, permission: 'reports.read', component: lazy(() => import('./pages/reports.js')) },
  { path: '/staff', label: S.nav.staff, permission: 'reports.read', component: lazy(() => import('./pages/staff.js')) },
  { path: '/alerts', label: S.nav.alerts, permission: 'alerts.read', component: lazy(() => import('./pages/alerts.js')) },
  { path: '/users', label: S.nav.users, permission: 'users.manage', component: lazy(() => import('./pages/users.js')) },
];
