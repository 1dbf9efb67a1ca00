/**
 * The page's root: decides between first-run set-up, sign-in and the signed-in shell, from the API's
 * own answers (GET /setup, GET /auth/me). A 401 from any later call returns to sign-in (ui/kit/page-frame.tsx).
 */
import { api, ApiError } from '../kit/api.js';
import { PageRoot, SignedInFrame, usePageRoot } from '../kit/page-frame.js';
import { SessionContext, type SessionInfo } from '../kit/session.js';
import { setDisplayTimeZone } from '../kit/strings.js';
import type { MeView, SetupStatus } from '../kit/contracts.js';
import { SignIn } from './sign-in.js';
import { SetupWizard, setupInProgress } from './setup/wizard.js';
import { routes } from './routes.js';
import { Forbidden, NotFound } from './pages/not-found.js';
import { S } from './strings.js';

type State =
  | { kind: 'setup'; status: SetupStatus }
  | { kind: 'sign-in'; expired: boolean; status: SetupStatus }
  | { kind: 'signed-in'; session: SessionInfo; status: SetupStatus };

function sessionOf(me: MeView): SessionInfo {
  return { name: me.actor.name, role: me.actor.role, permissions: me.permissions };
}

async function decide(expired: boolean): Promise<State> {
  // Both questions at once: the first render waits for one round trip, not two.
  const [status, me] = await Promise.all([
    api.get<SetupStatus>('/setup'),
    api.get<MeView>('/auth/me').catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 401) return null;
      throw e;
    }),
  ]);
  setDisplayTimeZone(status.site.timezone);
  if (status.needsSetup) return { kind: 'setup', status };
  return me ? { kind: 'signed-in', session: sessionOf(me), status } : { kind: 'sign-in', expired, status };
}

export function App() {
  const { state, refresh } = usePageRoot(decide, (s): State => ({ kind: 'sign-in', expired: true, status: s.status }));
  const render = (state: State) => {
    switch (state.kind) {
      case 'setup':
        return <SetupWizard status={state.status} onSignedIn={() => void refresh()} />;
      case 'sign-in':
        return <SignIn expired={state.expired} siteName={state.status.site.name} onSignedIn={() => void refresh()} />;
      case 'signed-in':
        return (
          <SessionContext.Provider value={state.session}>
            {setupInProgress() && state.session.permissions.includes('settings.write') ? (
              <SetupWizard status={state.status} onSignedIn={() => void refresh()} />
            ) : (
              <SignedInFrame
                brand={S.brand}
                subtitle={state.status.site.name}
                words={S.shell}
                signOutPath="/auth/logout"
                onSignedOut={() => void refresh()}
                routes={routes}
                // A page the role may not open says so instead of going blank.
                forbidden={Forbidden}
                notFound={NotFound}
              />
            )}
          </SessionContext.Provider>
        );
    }
  };
  return <PageRoot state={state} onRetry={() => void refresh()} render={render} />;
}
