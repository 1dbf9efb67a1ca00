/**
 * HQ's root: first run on an empty database, accepting an invite (/invite/<code>), sign-in, or the
 * signed-in shell — decided from the API's own answers. A 401 from any later call returns to sign-in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router } from 'preact-iso';
import { api, ApiError, PERMISSIONS } from './api.js';
import { onUnauthenticated } from '../kit/api.js';
import { ErrorNote, Loading, ToastProvider } from '../kit/components/feedback.js';
import { SessionContext, type SessionInfo } from '../kit/session.js';
import type { MeView } from './contracts.js';
import { Shell } from './shell.js';
import { AcceptInvite, FirstRun, SignIn } from './sign-in.js';
import { routes } from './routes.js';
import NotFound from './pages/not-found.js';

type State =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'first-run' }
  | { kind: 'invite'; code: string }
  | { kind: 'sign-in'; expired: boolean }
  | { kind: 'signed-in'; session: SessionInfo; me: MeView };

const inviteCode = () => /^\/invite\/([^/]+)$/.exec(location.pathname)?.[1] ?? null;

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const refresh = useCallback(async (expired = false) => {
    try {
      const code = inviteCode();
      if (code) return setState({ kind: 'invite', code: decodeURIComponent(code) });
      try {
        // Signed in is the common case: ask who we are first, and about the first run only when nobody is.
        const me = await api.get<MeView>('/me');
        setState({ kind: 'signed-in', me, session: { name: me.email, role: me.role, permissions: PERMISSIONS[me.role] } });
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 401)) throw e;
        const st = await api.get<{ needsFirstRun: boolean }>('/session/state');
        setState(st.needsFirstRun ? { kind: 'first-run' } : { kind: 'sign-in', expired });
      }
    } catch (e) {
      setState({ kind: 'error', error: e as ApiError });
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => setState((s) => (s.kind === 'signed-in' ? { kind: 'sign-in', expired: true } : s)));
  }, []);

  let body;
  switch (state.kind) {
    case 'loading':
      body = <div class="centre"><Loading /></div>;
      break;
    case 'error':
      body = <div class="centre"><main class="card" id="main"><ErrorNote error={state.error} onRetry={() => void refresh()} /></main></div>;
      break;
    case 'first-run':
      body = <FirstRun onSignedIn={() => void refresh()} />;
      break;
    case 'invite':
      body = <AcceptInvite code={state.code} />;
      break;
    case 'sign-in':
      body = <SignIn expired={state.expired} onSignedIn={() => void refresh()} />;
      break;
    case 'signed-in':
      body = (
        <SessionContext.Provider value={state.session}>
          <Shell orgName={state.me.orgName ?? ''} onSignedOut={() => void refresh()}>
            <ErrorBoundary>
              <Router>
                {[
                  ...routes
                    .filter((r) => state.session.permissions.includes(r.permission))
                    .map((r) => <Route key={r.path} path={r.path} component={r.component} />),
                  <Route key="404" default component={NotFound} />,
                ]}
              </Router>
            </ErrorBoundary>
          </Shell>
        </SessionContext.Provider>
      );
  }
  return (
    <LocationProvider>
      <ToastProvider>{body}</ToastProvider>
    </LocationProvider>
  );
}
