/** The signed-in frame: navigation filtered by the role's permissions, who is signed in, sign-out. */
import type { ComponentChildren } from 'preact';
import { api } from '../kit/api.js';
import { AppShell } from '../kit/components/layout.js';
import { Button } from '../kit/components/forms.js';
import { useSession } from '../kit/session.js';
import { useAction } from '../kit/hooks.js';
import { routes } from './routes.js';
import { S } from './strings.js';

export function Shell({ siteName, onSignedOut, children }: { siteName: string; onSignedOut: () => void; children: ComponentChildren }) {
  const session = useSession()!;
  const nav = routes.filter((r) => r.label && session.permissions.includes(r.permission)).map((r) => ({ href: r.path, label: r.label! }));
  const signOut = useAction(async () => {
    await api.post('/auth/logout');
    onSignedOut();
  });
  return (
    <AppShell
      brand={S.brand}
      subtitle={siteName}
      nav={nav}
      footer={
        <>
          <span class="small">{S.shell.signedInAs(session.name, session.role)}</span>
          <Button busy={signOut.busy} onClick={() => void signOut.run()}>
            {S.shell.signOut}
          </Button>
        </>
      }
    >
      {children}
    </AppShell>
  );
}
