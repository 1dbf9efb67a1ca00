/** Sign-in, first run and accepting an invite: the three ways into HQ before a session exists. */
import { useState } from 'preact/hooks';
import { api, ApiError } from './api.js';
import { Button, Form, TextField } from '../kit/components/forms.js';
import { Note } from '../kit/components/feedback.js';
import { useAction } from '../kit/hooks.js';
import { S } from './strings.js';

function explain(e: ApiError | null): ApiError | null {
  if (!e) return null;
  if (e.status === 423) return new ApiError(423, e.code, S.signIn.locked(Math.max(1, Math.ceil((e.retryAfterSeconds ?? 60) / 60))));
  if (e.status === 429) return new ApiError(429, e.code, S.signIn.rateLimited(e.retryAfterSeconds ?? 60));
  return e;
}

function Centre({ title, intro, children }: { title: string; intro: string; children: preact.ComponentChildren }) {
  return (
    <div class="centre">
      <main class="card" id="main">
        <h1>{title}</h1>
        <p class="muted">{intro}</p>
        {children}
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
    <Centre title={S.signIn.title} intro={S.signIn.intro}>
      {expired && <Note kind="warn">{S.signIn.expired}</Note>}
      <Form onSubmit={() => void run.run()} error={explain(run.error)} label={S.signIn.title}>
        <TextField label={S.signIn.email} type="email" value={email} onValue={setEmail} autoComplete="username" autoCapitalize="none" required />
        <TextField label={S.signIn.password} type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
        <div class="form-actions">
          <Button kind="primary" type="submit" busy={run.busy}>{S.signIn.submit}</Button>
        </div>
      </Form>
    </Centre>
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
    <Centre title={S.firstRun.title} intro={S.firstRun.intro}>
      <Form onSubmit={() => void run.run()} error={explain(run.error)} label={S.firstRun.title}>
        <TextField label={S.firstRun.code} hint={S.firstRun.codeHint} value={setupCode} onValue={setCode} autoComplete="off" autoCapitalize="characters" required />
        <TextField label={S.firstRun.organisation} value={organisation} onValue={setOrg} autoComplete="organization" required />
        <TextField label={S.firstRun.email} type="email" value={email} onValue={setEmail} autoComplete="username" required />
        <TextField label={S.firstRun.password} hint={S.firstRun.passwordHint} type="password" value={password} onValue={setPassword} autoComplete="new-password" required minLength={10} />
        <div class="form-actions">
          <Button kind="primary" type="submit" busy={run.busy}>{S.firstRun.submit}</Button>
        </div>
      </Form>
    </Centre>
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
    <Centre title={S.invite.title} intro={S.invite.intro}>
      <Form onSubmit={() => void run.run()} error={explain(run.error)} label={S.invite.title}>
        <TextField label={S.invite.password} hint={S.invite.passwordHint} type="password" value={password} onValue={setPassword} autoComplete="new-password" required minLength={10} />
        <div class="form-actions">
          <Button kind="primary" type="submit" busy={run.busy}>{S.invite.submit}</Button>
        </div>
      </Form>
    </Centre>
  );
}
