/**
 * First-run set-up, only while no admin exists: code → admin → site → (admin created, signed in) →
 * first camera → cloud → done. Resumable after a reload: what was typed before the admin exists is kept
 * in sessionStorage (never the password); after that the step is kept in localStorage and the wizard
 * reopens at it for the signed-in admin.
 */
import { useMemo, useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../kit/api.js';
import { Button, Form, TextField } from '../../kit/components/forms.js';
import { Note } from '../../kit/components/feedback.js';
import { useAction, useInterval } from '../../kit/hooks.js';
import { CloudState } from '../cloud-state.js';
import type { CameraConfig, CloudStatus, SessionView, SetupStatus } from '../../kit/contracts.js';
import { CameraForm } from '../cameras/camera-form.js';
import { ConnectionTest } from '../cameras/camera-test.js';
import { S } from '../strings.js';
import { TimezoneField, timezones } from '../timezone-field.js';

type Step = 'code' | 'admin' | 'site' | 'camera' | 'cloud' | 'done';
const ORDER: Step[] = ['code', 'admin', 'site', 'camera', 'cloud', 'done'];
const DRAFT_KEY = 'cva.setup.draft';
const STEP_KEY = 'cva.setup.step';
const CAMERA_KEY = 'cva.setup.camera';

interface Draft {
  step: Step;
  code: string;
  username: string;
  siteName: string;
  timezone: string;
  cameraId?: string;
}

/** True while a signed-in admin has steps left after the admin was created. */
export function setupInProgress(): boolean {
  const s = localStorage.getItem(STEP_KEY);
  return s === 'camera' || s === 'cloud' || s === 'done';
}

function loadDraft(status: SetupStatus): Draft {
  const step = localStorage.getItem(STEP_KEY) as Step | null;
  const saved = JSON.parse(sessionStorage.getItem(DRAFT_KEY) ?? 'null') as Partial<Draft> | null;
  const browserTz = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  return {
    code: '',
    username: '',
    siteName: status.site.name === 'My shop' ? '' : status.site.name,
    timezone: status.site.timezone !== 'UTC' ? status.site.timezone : browserTz,
    ...saved,
    cameraId: localStorage.getItem(CAMERA_KEY) ?? undefined,
    step: !status.needsSetup && step ? step : saved?.step && ORDER.indexOf(saved.step) <= 2 ? saved.step : 'code',
  };
}

export function SetupWizard({ status, onSignedIn }: { status: SetupStatus; onSignedIn: () => void }) {
  const [draft, setDraftState] = useState<Draft>(() => loadDraft(status));
  const setDraft = (patch: Partial<Draft>) => {
    const next = { ...draft, ...patch };
    setDraftState(next);
    // Before the admin exists the typed fields survive a reload (not the password); after, only the step.
    if (ORDER.indexOf(next.step) <= 2) sessionStorage.setItem(DRAFT_KEY, JSON.stringify(next));
    else {
      sessionStorage.removeItem(DRAFT_KEY);
      localStorage.setItem(STEP_KEY, next.step);
      if (next.cameraId) localStorage.setItem(CAMERA_KEY, next.cameraId);
    }
  };
  const index = ORDER.indexOf(draft.step);
  return (
    <div class="centre">
      <main class="card" aria-labelledby="setup-title">
        <h1 id="setup-title">{S.setup.title}</h1>
        <p class="small muted">
          {S.setup.step(index + 1, ORDER.length)} · {status.deviceId}
        </p>
        <ol class="steps" aria-label={S.setup.title}>
          {S.setup.steps.map((label, i) => (
            <li key={label} aria-current={i === index ? 'step' : undefined} class={i < index ? 'done' : undefined}>
              {i < index ? '✓ ' : ''}
              {label}
            </li>
          ))}
        </ol>
        {draft.step === 'code' && <CodeStep draft={draft} setDraft={setDraft} />}
        {draft.step === 'admin' && <AdminStep draft={draft} setDraft={setDraft} />}
        {draft.step === 'site' && <SiteStep draft={draft} setDraft={setDraft} onSignedIn={onSignedIn} />}
        {draft.step === 'camera' && <CameraStep draft={draft} setDraft={setDraft} />}
        {draft.step === 'cloud' && <CloudStep setDraft={setDraft} />}
        {draft.step === 'done' && <DoneStep onFinish={onSignedIn} />}
      </main>
    </div>
  );
}

interface StepProps {
  draft: Draft;
  setDraft: (p: Partial<Draft>) => void;
}

function CodeStep({ draft, setDraft }: StepProps) {
  const [code, setCode] = useState(draft.code);
  return (
    <Form onSubmit={() => code.trim() && setDraft({ code: code.trim().toUpperCase(), step: 'admin' })}>
      <p>{S.setup.codeIntro}</p>
      <Note>{S.setup.codeWhere}</Note>
      <TextField label={S.setup.code} value={code} onValue={setCode} autoCapitalize="characters" autoComplete="off" spellcheck={false} required />
      <div class="form-actions">
        <Button kind="primary" type="submit" disabled={!code.trim()}>
          {S.setup.next}
        </Button>
      </div>
    </Form>
  );
}

/** The password lives only in memory until the admin is created at the end of the site step. */
let pendingPassword = '';

function AdminStep({ draft, setDraft }: StepProps) {
  const [username, setUsername] = useState(draft.username);
  const [password, setPassword] = useState(pendingPassword);
  const [password2, setPassword2] = useState(pendingPassword);
  const [tried, setTried] = useState(false);
  const short = password.length < 10;
  const differ = password !== password2;
  return (
    <Form
      onSubmit={() => {
        setTried(true);
        if (!username.trim() || short || differ) return;
        pendingPassword = password;
        setDraft({ username: username.trim().toLowerCase(), step: 'site' });
      }}
    >
      <p>{S.setup.adminIntro}</p>
      <TextField label={S.setup.username} hint={S.setup.usernameHint} value={username} onValue={setUsername} autoComplete="username" autoCapitalize="none" required />
      <TextField label={S.setup.password} type="password" value={password} onValue={setPassword} autoComplete="new-password" error={tried && short ? S.setup.passwordShort : null} required />
      <TextField label={S.setup.password2} type="password" value={password2} onValue={setPassword2} autoComplete="new-password" error={tried && differ ? S.setup.passwordsDiffer : null} required />
      <div class="form-actions">
        <Button onClick={() => setDraft({ step: 'code' })}>{S.setup.back}</Button>
        <Button kind="primary" type="submit">
          {S.setup.next}
        </Button>
      </div>
    </Form>
  );
}

function SiteStep({ draft, setDraft, onSignedIn }: StepProps & { onSignedIn: () => void }) {
  const [siteName, setSiteName] = useState(draft.siteName);
  const [timezone, setTimezone] = useState(draft.timezone);
  const zones = useMemo(timezones, []);
  const tzValid = zones.includes(timezone);
  const { route } = useLocation();
  const create = useAction(async () => {
    if (!pendingPassword) {
      // A reload forgot the password (never stored): ask for it again.
      setDraft({ siteName, timezone, step: 'admin' });
      return;
    }
    await api.post<SessionView>('/setup', {
      setupCode: draft.code,
      admin: { username: draft.username, password: pendingPassword },
      site: { name: siteName.trim(), timezone },
    });
    pendingPassword = '';
    setDraft({ siteName, timezone, step: 'camera' });
    route('/', true);
    onSignedIn();
  });
  return (
    <Form onSubmit={() => tzValid && siteName.trim() && void create.run()} error={create.error}>
      <p>{S.setup.siteIntro}</p>
      <TextField label={S.setup.siteName} value={siteName} onValue={setSiteName} required maxLength={120} />
      <TimezoneField value={timezone} onValue={setTimezone} />
      <div class="form-actions">
        <Button onClick={() => setDraft({ siteName, timezone, step: create.error?.status === 403 ? 'code' : 'admin' })}>{S.setup.back}</Button>
        <Button kind="primary" type="submit" busy={create.busy} disabled={!tzValid || !siteName.trim()}>
          {S.setup.createAdmin}
        </Button>
      </div>
    </Form>
  );
}

function CameraStep({ draft, setDraft }: StepProps) {
  const [camera, setCamera] = useState<CameraConfig | null>(null);
  const cameraId = camera?.id ?? draft.cameraId;
  return (
    <div class="stack">
      <p>{S.setup.cameraIntro}</p>
      {!cameraId ? (
        <CameraForm
          compact
          submitLabel={S.setup.addCamera}
          onSaved={(c) => {
            setCamera(c);
            setDraft({ cameraId: c.id });
          }}
        />
      ) : (
        <ConnectionTest cameraId={cameraId} autoStart withSnapshot />
      )}
      <div class="form-actions">
        <Button kind={cameraId ? 'primary' : undefined} onClick={() => setDraft({ step: 'cloud' })}>{cameraId ? S.setup.next : S.setup.skip}</Button>
      </div>
    </div>
  );
}

function CloudStep({ setDraft }: { setDraft: (p: Partial<Draft>) => void }) {
  const [url, setUrl] = useState('');
  const [claimCode, setClaimCode] = useState('');
  const [saved, setSaved] = useState<string | null>(null);
  const [link, setLink] = useState<CloudStatus | null>(null);
  const save = useAction(async () => {
    const r = await api.put<{ url: string }>('/setup/cloud', { url: url.trim(), claimCode: claimCode.trim() });
    setSaved(r.url);
  });
  // Once saved, follow the claim: claimed, or the reason it is not (HQ unreachable, code refused).
  useInterval(() => void api.get<CloudStatus>('/setup/cloud').then(setLink, () => undefined), saved ? 2000 : null);
  return (
    <Form onSubmit={() => void save.run()} error={save.error}>
      <p>{S.setup.cloudIntro}</p>
      <TextField label={S.setup.cloudUrl} type="url" placeholder="https://hq.example.com" value={url} onValue={setUrl} autoCapitalize="none" />
      <TextField label={S.setup.claimCode} value={claimCode} onValue={setClaimCode} autoComplete="off" />
      {saved && (link ? <CloudState c={link} /> : <Note kind="ok">{S.setup.cloudSaved(saved)}</Note>)}
      <div class="form-actions">
        {!saved && (
          <Button type="submit" busy={save.busy} disabled={!url || !claimCode}>
            {S.setup.saveCloud}
          </Button>
        )}
        <Button kind="primary" onClick={() => setDraft({ step: 'done' })}>
          {saved ? S.setup.next : S.setup.skip}
        </Button>
      </div>
    </Form>
  );
}

function DoneStep({ onFinish }: { onFinish: () => void }) {
  return (
    <div class="stack">
      <h2>{S.setup.doneTitle}</h2>
      <p>{S.setup.doneText}</p>
      <div class="form-actions">
        <Button
          kind="primary"
          onClick={() => {
            localStorage.removeItem(STEP_KEY);
            localStorage.removeItem(CAMERA_KEY);
            onFinish();
          }}
        >
          {S.setup.finish}
        </Button>
      </div>
    </div>
  );
}
