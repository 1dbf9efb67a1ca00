/** Forget / remove a person: first says exactly what goes and what stays (the server's own preview), then asks. */
import { api } from '../../kit/api.js';
import { Async, ErrorNote } from '../../kit/components/feedback.js';
import { ConfirmButton } from '../../kit/components/forms.js';
import { useAction, useApi } from '../../kit/hooks.js';
import type { Forgotten } from '../../kit/contracts.js';
import type { ForgetPreview } from './contracts.js';
import { P } from './strings.js';

export function ForgetPerson({ personId, label, deletePath, onDone }: { personId: string; label: string; deletePath: string; onDone: (r: Forgotten) => void }) {
  const preview = useApi(() => api.get<ForgetPreview>(`/people/${encodeURIComponent(personId)}/forget-preview`), [personId]);
  const forget = useAction(async () => {
    const r = await api.del<Forgotten>(deletePath);
    onDone(r);
    return r;
  });
  return (
    <div class="stack">
      <Async resource={preview}>
        {(p) => (
          <div class="small">
            <strong>{P.staffDetail.preview}</strong>
            <ul class="preview-list">
              {p.removes.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
            <strong>{P.staffDetail.keeps}</strong>
            <ul class="preview-list">
              {p.keeps.map((s) => (
                <li key={s}>{s}</li>
              ))}
            </ul>
          </div>
        )}
      </Async>
      <ConfirmButton label={label} busy={forget.busy} onConfirm={() => void forget.run()} />
      <ErrorNote error={forget.error} />
    </div>
  );
}
