/**
 * Backup and restore on the System page: download the archive; upload one with a progress bar (raw body, XHR for
 * upload progress), the server's checking steps, then the restart that applies it and what came back.
 */
import { useId, useState } from 'preact/hooks';
import { api, apiUrl, ApiError } from '../../kit/api.js';
import { ErrorNote, Note } from '../../kit/components/feedback.js';
import { ConfirmButton } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { SystemInfo } from '../../kit/contracts.js';
import type { RestoreStatus } from './contracts.js';
import { P } from '../people/strings.js';

function csrf(): string {
  const m = /(?:^|;\s*)cva_csrf=([^;]*)/.exec(document.cookie);
  return m ? decodeURIComponent(m[1]) : '';
}

/** The archive as the raw request body, with upload progress. */
function send(file: File, onProgress: (f: number) => void): Promise<RestoreStatus> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl('/system/restore'));
    xhr.setRequestHeader('Content-Type', 'application/gzip');
    xhr.setRequestHeader('X-CSRF-Token', csrf());
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'offline', 'the upload did not reach the appliance'));
    xhr.onload = () => {
      let body: any = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as RestoreStatus);
      else reject(new ApiError(xhr.status, body?.error?.code ?? `http_${xhr.status}`, body?.error?.message ?? `${xhr.status} ${xhr.statusText}`));
    };
    xhr.send(file);
  });
}

async function waitUntilBack(startedBefore: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    try {
      if ((await api.get<SystemInfo>('/system/info')).startedAt !== startedBefore) return;
    } catch {
      // Still restarting.
    }
  }
}

export function BackupCard() {
  const id = useId();
  const status = useApi(() => api.get<RestoreStatus>('/system/restore'));
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [phase, setPhase] = useState<'idle' | 'restarting' | 'back'>('idle');
  const restore = useAction(async () => {
    const before = await api.get<SystemInfo>('/system/info');
    setProgress(0);
    try {
      await send(file!, setProgress);
    } finally {
      setProgress(null);
    }
    setPhase('restarting');
    await waitUntilBack(before.startedAt);
    setPhase('back');
    status.reload();
  });
  const last = status.data?.lastApplied ?? null;
  return (
    <Card title={P.backup.title}>
      <p class="muted small">{P.backup.intro}</p>
      <a class="button" href={apiUrl('/system/backup')} download>
        {P.backup.download}
      </a>
      <h3>{P.backup.restoreTitle}</h3>
      <p class="muted small">{P.backup.restoreHint}</p>
      <div class="field">
        <label for={id}>{P.backup.choose}</label>
        <input id={id} type="file" accept=".gz,.tgz,application/gzip" disabled={restore.busy} onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
      </div>
      {file && phase === 'idle' && <ConfirmButton label={P.backup.restore} confirm={P.backup.confirm} busy={restore.busy} onConfirm={() => void restore.run()} />}
      {progress !== null && (
        <label class="small">
          {P.backup.uploading} ({fmt.bytes(file?.size)})
          <progress class="progress" max={1} value={progress} />
        </label>
      )}
      <ErrorNote error={restore.error} />
      {phase === 'restarting' && <Note kind="warn">{P.backup.restarting}</Note>}
      {phase === 'back' && last && <Note kind="ok">{P.backup.back(last.counts)}</Note>}
      {last && phase !== 'back' && <p class="small muted">{P.backup.lastApplied(fmt.dateTime(last.at), last.fromDeviceId)}</p>}
    </Card>
  );
}
