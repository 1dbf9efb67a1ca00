/**
 * The page's routes, in navigation order. Each names the permission it needs (the server's); the shell
 * shows only what the signed-in role may open. Pages load lazily, so each route costs only when opened.
 * To add a page: write ui/appliance/pages/<name>.tsx with a default export, add a line here.
 */
import { lazy } from 'preact-iso';
import type { PageRoute } from '../kit/page-frame.js';
import { S } from './strings.js';

/** Starts loading the page the address points at while the session is being checked (one round trip less). */
export function preloadRoute(path: string): void {
  const segments = (p: string) => p.split('/').filter(Boolean);
  const want = segments(path);
  const match = routes.find((r) => {
    const have = segments(r.path);
    return have.length === want.length && have.every((s, i) => s.startsWith(':') || s === want[i]);
  });
  void match?.component.preload?.().catch(() => undefined);
}

export const routes: PageRoute[] = [
  { path: '/', label: S.nav.overview, permission: 'live.view', component: lazy(() => import('./pages/overview.js')) },
  { path: '/cameras', label: S.nav.cameras, permission: 'cameras.read', component: lazy(() => import('./pages/cameras.js')) },
  { path: '/cameras/:id', permission: 'cameras.read', component: lazy(() => import('./pages/camera-detail.js')) },
  { path: '/staff', label: S.nav.staff, permission: 'people.read', component: lazy(() => import('./pages/staff.js')) },
  { path: '/staff/:id', permission: 'people.read', component: lazy(() => import('./pages/staff-detail.js')) },
  { path: '/customers', label: S.nav.customers, permission: 'people.read', component: lazy(() => import('./pages/customers.js')) },
  { path: '/customers/:id', permission: 'people.read', component: lazy(() => import('./pages/customer-detail.js')) },
  { path: '/review', label: S.nav.review, permission: 'people.read', component: lazy(() => import('./pages/review.js')) },
  { path: '/visits', label: S.nav.visits, permission: 'visits.read', component: lazy(() => import('./pages/visits.js')) },
  { path: '/reports', label: S.nav.reports, permission: 'reports.read', component: lazy(() => import('./pages/reports.js')) },
  { path: '/settings', label: S.nav.settings, permission: 'settings.read', component: lazy(() => import('./pages/settings.js')) },
  { path: '/system', label: S.nav.system, permission: 'system.read', component: lazy(() => import('./pages/system.js')) },
  { path: '/users', label: S.nav.users, permission: 'users.manage', component: lazy(() => import('./pages/users.js')) },
];
