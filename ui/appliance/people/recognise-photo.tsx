/** "Test recognition" and "find by photo": one photo in, who the appliance sees in it out. */
import type { ComponentChildren } from 'preact';
import { useId, useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { ErrorNote, Note } from '../../kit/components/feedback.js';
import { useAction } from '../../kit/hooks.js';
import type { RecognitionResult } from '../../kit/contracts.js';
import { P } from './strings.js';

export function RecognisePhoto({ label, onResult, render }: { label: string; onResult?: (r: RecognitionResult) => void; render?: (r: RecognitionResult) => ComponentChildren }) {
  const id = useId();
  const [result, setResult] = useState<RecognitionResult | null>(null);
  const run = useAction(async (file: File) => {
    const form = new FormData();
    form.append('photo', file, file.name);
    const r = await api.upload<RecognitionResult>('/recognise', form);
    setResult(r);
    onResult?.(r);
    return r;
  });
  return (
    <div class="stack">
      <div class="field">
        <label for={id}>{label}</label>
        <input
          id={id}
          type="file"
          accept="image/*"
          disabled={run.busy}
          onChange={(e) => {
            const f = e.currentTarget.files?.[0];
            if (f) void run.run(f);
            e.currentTarget.value = '';
          }}
        />
      </div>
      <ErrorNote error={run.error} />
      {result &&
        (render ? (
          render(result)
        ) : result.faces.length === 0 ? (
          <Note kind="warn">{P.recognise.nobody}</Note>
        ) : (
          <Note>
            <ul class="preview-list">
              {result.faces.map((f, i) => (
                <li key={i}>{P.recognise.face(f.name ?? f.personId ?? P.recognise.unknown, P.recognise.verdict[f.verdict] ?? f.verdict, f.distance)}</li>
              ))}
            </ul>
          </Note>
        ))}
    </div>
  );
}
