/**
 * The page's root: decides between first-run set-up, sign-in and the signed-in shell, from the API's
 * own answers (GET /setup, GET /auth/me). A 401 from any later call returns to sign-in.
 */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, LocationProvider, Route, Router } from 'preact-iso';
import { api, ApiError, onUnauthenticated } from '../kit/api.js';
import { ErrorNote, Loading, ToastProvider } from '../kit/components/feedback.js';
import { SessionContext, type SessionInfo } from '../kit/session.js';
import type { MeView, SetupStatus } from '../kit/contracts.js';
import { Shell } from './shell.js';
import { SignIn } from './sign-in.js';
import { SetupWizard, setupInProgress } from './setup/wizard.js';
import { routes } from './routes.js';
import { Forbidden, NotFound } from './pages/not-found.js';

type State =
  | { kind: 'loading' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'setup'; status: SetupStatus }
  | { kind: 'sign-in'; expired: boolean; status: SetupStatus }
  | { kind: 'signed-in'; session: SessionInfo; status: SetupStatus };

function sessionOf(me: MeView): SessionInfo {
  return { name: me.actor.name, role: me.actor.role, permissions: me.permissions };
}

export function App() {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const refresh = useCallback(async (expired = false) => {
    try {
      // Both questions at once: the first render waits for one round trip, not two.
      const [status, me] = await Promise.all([
        api.get<SetupStatus>('/setup'),
        api.get<MeView>('/auth/me').catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 401) return null;
          throw e;
        }),
      ]);
      if (status.needsSetup) return setState({ kind: 'setup', status });
      setState(me ? { kind: 'signed-in', session: sessionOf(me), status } : { kind: 'sign-in', expired, status });
    } catch (e) {
      setState({ kind: 'error', error: e as ApiError });
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => setState((s) => (s.kind === 'signed-in' ? { kind: 'sign-in', expired: true, status: s.status } : s)));
  }, []);

  let body;
  switch (state.kind) {
    case 'loading':
      body = <div class="centre"><Loading /></div>;
      break;
    case 'error':
      body = <div class="centre"><div class="card"><ErrorNote error={state.error} onRetry={() => void refresh()} /></div></div>;
      break;
    case 'setup':
      body = <SetupWizard status={state.status} onSignedIn={() => void refresh()} />;
      break;
    case 'sign-in':
      body = <SignIn expired={state.expired} siteName={state.status.site.name} onSignedIn={() => void refresh()} />;
      break;
    case 'signed-in':
      body = (
        <SessionContext.Provider value={state.session}>
          {setupInProgress() && state.session.permissions.includes('settings.write') ? (
            <SetupWizard status={state.status} onSignedIn={() => void refresh()} />
          ) : (
            <Shell siteName={state.status.site.name} onSignedOut={() => void refresh()}>
              <ErrorBoundary>
                <Router>
                  {[
                    // A page the role may not open says so instead of going blank.
                    ...routes.map((r) => <Route key={r.path} path={r.path} component={state.session.permissions.includes(r.permission) ? r.component : Forbidden} />),
                    <Route key="404" default component={NotFound} />,
                  ]}
                </Router>
              </ErrorBoundary>
            </Shell>
          )}
        </SessionContext.Provider>
      );
  }
  return (
    <LocationProvider>
      <ToastProvider>{body}</ToastProvider>
    </LocationProvider>
  );
}
