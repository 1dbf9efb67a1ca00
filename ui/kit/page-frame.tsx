/**
 * What the appliance's and HQ's page roots share: the root's state from loading to the API's answer (a 401
 * from any later call returns to sign-in), and the signed-in frame — navigation filtered by the role's
 * permissions, who is signed in, sign-out, and the router of the pages. Each page decides what its
 * answers mean (set-up, first run, invite, sign-in) and brings its own routes and words.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ComponentChildren, ComponentType } from 'preact';
import { ErrorBoundary, LocationProvider, Route, Router } from 'preact-iso';
import { api, ApiError, onUnauthenticated } from './api.js';
import { ErrorNote, Loading, ToastProvider } from './components/feedback.js';
import { Button } from './components/forms.js';
import { AppShell } from './components/layout.js';
import { useAction } from './hooks.js';
import { useSession } from './session.js';

/** A page of a web page: a nav entry when it has a label; only roles with `permission` may open it. */
export interface PageRoute {
  path: string;
  /** The nav entry; routes without one (details pages) are reached by links. */
  label?: string;
  permission: string;
  component: ComponentType<any> & { preload?: () => Promise<unknown> };
}

/** The root's state: loading, the first call failed, or what the page made of the API's answers. */
export type RootState<S extends { kind: string }> = { kind: 'loading' } | { kind: 'error'; error: ApiError } | S;

/**
 * Asks `decide` (with `expired` when a session just ran out) what to show, at once and on `refresh()`.
 * A 401 from any later call turns a `signed-in` state into `expire(state)` (the page's sign-in).
 */
export function usePageRoot<S extends { kind: string }>(decide: (expired: boolean) => Promise<S>, expire: (signedIn: S) => S) {
  const [state, setState] = useState<RootState<S>>({ kind: 'loading' });

  const refresh = useCallback(async (expired = false) => {
    try {
      setState(await decide(expired));
    } catch (e) {
      setState({ kind: 'error', error: e as ApiError });
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => setState((s) => (s.kind === 'signed-in' ? expire(s as S) : s)));
  }, []);

  return { state, refresh };
}

/** The root's markup: loading and a failed first call here; every other state as the page renders it. */
export function PageRoot<S extends { kind: string }>({ state, onRetry, render }: { state: RootState<S>; onRetry: () => void; render: (state: S) => ComponentChildren }) {
  let body: ComponentChildren;
  if (state.kind === 'loading') body = <div class="centre"><Loading /></div>;
  else if (state.kind === 'error' && 'error' in state) {
    body = <div class="centre"><main class="card" id="main"><ErrorNote error={state.error} onRetry={onRetry} /></main></div>;
  } else body = render(state as S);
  return (
    <LocationProvider>
      <ToastProvider>{body}</ToastProvider>
    </LocationProvider>
  );
}

export interface SignedInFrameProps {
  brand: string;
  /** Under the brand: the site's or the organisation's name. */
  subtitle: string;
  words: { signedInAs: (name: string, role: string) => string; signOut: string };
  /** The role's name as the page says it (default: the server's role id). */
  roleName?: (role: string) => string;
  /** POSTed to end the session. */
  signOutPath: string;
  onSignedOut: () => void;
  routes: readonly PageRoute[];
  /** Shown on a route the role may not open; without it such routes are not there (the not-found page). */
  forbidden?: ComponentType<any>;
  notFound: ComponentType<any>;
}

/** The signed-in shell around the router of the role's pages (inside the page's SessionContext). */
export function SignedInFrame({ brand, subtitle, words, roleName = (r) => r, signOutPath, onSignedOut, routes, forbidden, notFound }: SignedInFrameProps) {
  const session = useSession()!;
  const may = (r: PageRoute) => session.permissions.includes(r.permission);
  const nav = routes.filter((r) => r.label && may(r)).map((r) => ({ href: r.path, label: r.label! }));
  const signOut = useAction(async () => {
    await api.post(signOutPath);
    onSignedOut();
  });
  const pages = forbidden ? routes.map((r) => (may(r) ? r : { ...r, component: forbidden })) : routes.filter(may);
  return (
    <AppShell
      brand={brand}
      subtitle={subtitle}
      nav={nav}
      footer={
        <>
          <span class="small">{words.signedInAs(session.name, roleName(session.role))}</span>
          <Button busy={signOut.busy} onClick={() => void signOut.run()}>
            {words.signOut}
          </Button>
        </>
      }
    >
      <ErrorBoundary>
        {/* After a navigation, focus goes to the page (screen readers announce it; Tab starts there). */}
        <Router onRouteChange={() => document.getElementById('main')?.focus({ preventScroll: true })}>
          {[...pages.map((r) => <Route key={r.path} path={r.path} component={r.component} />), <Route key="404" default component={notFound} />]}
        </Router>
      </ErrorBoundary>
    </AppShell>
  );
}
