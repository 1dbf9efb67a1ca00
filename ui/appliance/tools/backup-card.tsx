/**
 * Backup and restore on the System page: download the archive; upload one with a progress bar (raw body, XHR for
 * upload progress), the server's checking steps, then the restart that applies it and what came back.
 */
import { useId, useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { waitUntilBack } from '../restart.js';
import { ErrorNote, Note } from '../../kit/components/feedback.js';
import { ConfirmButton } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { SystemInfo } from '../../kit/contracts.js';
import type { RestoreStatus } from './contracts.js';
import { P } from '../people/strings.js';

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
      await api.upload<RestoreStatus>('/system/restore', file!, setProgress, 'application/gzip');
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
      {/* A non-empty download name also keeps the client-side router away from the link; the server's name wins. */}
      <a class="button" href={apiUrl('/system/backup')} download="cva-backup.tar.gz">
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
