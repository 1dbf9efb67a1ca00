/** Sign-in: wrong passwords, the per-user lockout (423) and the per-address limit (429) are said plainly. */
import { useState } from 'preact/hooks';
import { api, ApiError } from '../kit/api.js';
import { Button, Form, TextField } from '../kit/components/forms.js';
import { Note } from '../kit/components/feedback.js';
import { useAction } from '../kit/hooks.js';
import type { SessionView } from '../kit/contracts.js';
import { S } from './strings.js';

function explain(e: ApiError | null): ApiError | null {
  if (!e) return null;
  if (e.status === 423) return new ApiError(423, e.code, S.signIn.locked(Math.max(1, Math.ceil((e.retryAfterSeconds ?? 60) / 60))));
  if (e.status === 429) return new ApiError(429, e.code, S.signIn.rateLimited(e.retryAfterSeconds ?? 60));
  return e;
}

export function SignIn({ expired, siteName, onSignedIn }: { expired: boolean; siteName: string; onSignedIn: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useAction(async () => {
    await api.post<SessionView>('/auth/login', { username, password });
    onSignedIn();
  });
  return (
    <div class="centre">
      <main class="card">
        <h1>{S.signIn.title}</h1>
        <p class="muted">
          {siteName} — {S.signIn.intro}
        </p>
        {expired && <Note kind="warn">{S.signIn.expired}</Note>}
        <Form onSubmit={() => void login.run()} error={explain(login.error)} label={S.signIn.title}>
          <TextField label={S.signIn.username} value={username} onValue={setUsername} autoComplete="username" autoCapitalize="none" required />
          <TextField label={S.signIn.password} type="password" value={password} onValue={setPassword} autoComplete="current-password" required />
          <div class="form-actions">
            <Button kind="primary" type="submit" busy={login.busy}>
              {S.signIn.submit}
            </Button>
          </div>
        </Form>
      </main>
    </div>
  );
}
