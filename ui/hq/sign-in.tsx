/** Sign-in, first run and accepting an invite: the three ways into HQ before a session exists. */
import { useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { api, ApiError } from './api.js';
import { Button, Form, TextField } from '../kit/components/forms.js';
import { Note } from '../kit/components/feedback.js';
import { useAction, type Action } from '../kit/hooks.js';
import { S } from './strings.js';

function explain(e: ApiError | null): ApiError | null {
  if (!e) return null;
  if (e.status === 423) return new ApiError(423, e.code, S.signIn.locked(Math.max(1, Math.ceil((e.retryAfterSeconds ?? 60) / 60))));
  if (e.status === 429) return new ApiError(429, e.code, S.signIn.rateLimited(e.retryAfterSeconds ?? 60));
  return e;
}

/** The one card of a way in: title, intro, an optional note, the form's fields and its submit button. */
function EntryCard({ words, action, note, children }: {
  words: { title: string; intro: string; submit: string };
  action: Action<[], void>;
  note?: ComponentChildren;
  children: ComponentChildren;
}) {
  return (
    <div class="centre">
      <main class="card" id="main">
        <h1>{words.title}</h1>
        <p class="muted">{words.intro}</p>
        {note}
        <Form onSubmit={() => void action.run()} error={explain(action.error)} label={words.title}>
          {children}
          <div class="form-actions">
            <Button kind="primary" type="submit" busy={action.busy}>{words.submit}</Button>
          </div>
        </Form>
      </main>
    </div>
  );
}

export function SignIn({ expired, onSignedIn }: { expired: boolean; onSignedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const run = useAction(async () => {
    await api.post('/session/sign-in', { email, password });
    onSignedIn();
  });
  return (
    <EntryCard words={S.signIn} action={run} note={expired && <Note kind="warn">{S.signIn.expired}</Note>}>
      <TextField label={S.signIn.email} type="email" value={email} onValue={setEmail} autoComplete="username" autoCapitalize="none" required />
      <TextField label={S.signIn.password} type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
    </EntryCard>
  );
}

export function FirstRun({ onSignedIn }: { onSignedIn: () => void }) {
  const [setupCode, setCode] = useState('');
  const [organisation, setOrg] = useState('');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const run = useAction(async () => {
    await api.post('/session/first-run', { setupCode, organisation, email, password });
    onSignedIn();
  });
  return (
    <EntryCard words={S.firstRun} action={run}>
      <TextField label={S.firstRun.code} hint={S.firstRun.codeHint} value={setupCode} onValue={setCode} autoComplete="off" autoCapitalize="characters" required />
      <TextField label={S.firstRun.organisation} value={organisation} onValue={setOrg} autoComplete="organization" required />
      <TextField label={S.firstRun.email} type="email" value={email} onValue={setEmail} autoComplete="username" required />
      <TextField label={S.firstRun.password} hint={S.firstRun.passwordHint} type="password" value={password} onValue={setPassword} autoComplete="new-password" required minLength={10} />
    </EntryCard>
  );
}

export function AcceptInvite({ code }: { code: string }) {
  const [password, setPassword] = useState('');
  const run = useAction(async () => {
    await api.post('/session/invite', { code, password });
    // A fresh load at / (the router still holds /invite/<code>; the code must leave the address bar).
    location.assign('/');
  });
  return (
    <EntryCard words={S.invite} action={run}>
      <TextField label={S.invite.password} hint={S.invite.passwordHint} type="password" value={password} onValue={setPassword} autoComplete="new-password" required minLength={10} />
    </EntryCard>
  );
}
