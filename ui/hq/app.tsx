/**
 * HQ's root: first run on an empty database, accepting an invite (/invite/<code>), sign-in, or the
 * signed-in shell — decided from the API's own answers. A 401 from any later call returns to sign-in
 * (ui/kit/page-frame.tsx).
 */
import { api, ApiError, PERMISSIONS } from './api.js';
import { PageRoot, SignedInFrame, usePageRoot } from '../kit/page-frame.js';
import { SessionContext, type SessionInfo } from '../kit/session.js';
import type { MeView } from './contracts.js';
import { AcceptInvite, FirstRun, SignIn } from './sign-in.js';
import { routes } from './routes.js';
import NotFound from './pages/not-found.js';
import { S } from './strings.js';

type State =
  | { kind: 'first-run' }
  | { kind: 'invite'; code: string }
  | { kind: 'sign-in'; expired: boolean }
  | { kind: 'signed-in'; session: SessionInfo; me: MeView };

const inviteCode = () => /^\/invite\/([^/]+)$/.exec(location.pathname)?.[1] ?? null;

async function decide(expired: boolean): Promise<State> {
  const code = inviteCode();
  if (code) return { kind: 'invite', code: decodeURIComponent(code) };
  try {
    // Signed in is the common case: ask who we are first, and about the first run only when nobody is.
    const me = await api.get<MeView>('/me');
    return { kind: 'signed-in', me, session: { name: me.email, role: me.role, permissions: PERMISSIONS[me.role] } };
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 401)) throw e;
    const st = await api.get<{ needsFirstRun: boolean }>('/session/state');
    return st.needsFirstRun ? { kind: 'first-run' } : { kind: 'sign-in', expired };
  }
}

export function App() {
  const { state, refresh } = usePageRoot(decide, (): State => ({ kind: 'sign-in', expired: true }));
  const render = (state: State) => {
    switch (state.kind) {
      case 'first-run':
        return <FirstRun onSignedIn={() => void refresh()} />;
      case 'invite':
        return <AcceptInvite code={state.code} />;
      case 'sign-in':
        return <SignIn expired={state.expired} onSignedIn={() => void refresh()} />;
      case 'signed-in':
        return (
          <SessionContext.Provider value={state.session}>
            <SignedInFrame
              brand={S.brand}
              subtitle={state.me.orgName ?? ''}
              words={S.shell}
              roleName={(role) => S.roles[role] ?? role}
              signOutPath="/session/sign-out"
              onSignedOut={() => void refresh()}
              routes={routes}
              notFound={NotFound}
            />
          </SessionContext.Provider>
        );
    }
  };
  return <PageRoot state={state} onRetry={() => void refresh()} render={render} />;
}
