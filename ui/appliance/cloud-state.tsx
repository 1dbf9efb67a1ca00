/** The cloud link in words: claimed or not, the last upload, the last error and what waits to upload. */
import { Note } from '../kit/components/feedback.js';
import { fmt } from '../kit/strings.js';
import type { CloudStatus } from '../kit/contracts.js';
import { S } from './strings.js';

export function CloudState({ c }: { c: CloudStatus }) {
  const kind = c.state === 'ready' || c.state === 'uploading' ? 'ok' : c.state === 'unconfigured' ? 'info' : c.state === 'claiming' ? 'info' : 'warn';
  return (
    <Note kind={kind}>
      <strong>{S.settings.cloudStates[c.state]}</strong>
      {c.cloudUrl && <span class="small"> — {c.cloudUrl}</span>}
      {c.lastError && c.state !== 'ready' && <div>{c.lastError.message}</div>}
      <div class="small">{S.settings.lastUpload(c.lastUploadAt ? fmt.dateTime(c.lastUploadAt) : null)}</div>
      <div class="small">{S.settings.backlog(c.backlog.pendingVisits, c.backlog.pendingItems, c.backlog.oldestPendingAt)}</div>
    </Note>
  );
}
