/** The signed-in frame: navigation filtered by role, who is signed in, sign-out. */
import type { ComponentChildren } from 'preact';
import { api } from './api.js';
import { AppShell } from '../kit/components/layout.js';
import { Button } from '../kit/components/forms.js';
import { useSession } from '../kit/session.js';
import { useAction } from '../kit/hooks.js';
import { routes } from './routes.js';
import { S } from './strings.js';

export function Shell({ orgName, onSignedOut, children }: { orgName: string; onSignedOut: () => void; children: ComponentChildren }) {
  const session = useSession()!;
  const nav = routes.filter((r) => r.label && session.permissions.includes(r.permission)).map((r) => ({ href: r.path, label: r.label! }));
  const signOut = useAction(async () => {
    await api.post('/session/sign-out');
    onSignedOut();
  });
  return (
    <AppShell
      brand={S.brand}
      subtitle={orgName}
      nav={nav}
      footer={
        <>
          <span class="small">{S.shell.signedInAs(session.name, S.roles[session.role] ?? session.role)}</span>
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
