/** Add or edit a camera (used by the set-up wizard and the Cameras page). */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Button, CheckField, Form, NumberField, TextField } from '../../kit/components/forms.js';
import { useAction } from '../../kit/hooks.js';
import type { CameraConfig, CameraView } from '../../kit/contracts.js';
import { S } from '../strings.js';

/** A camera id from its name: lowercase, digits, dashes (the API's id rule). */
export function idFromName(name: string): string {
  const id = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return id || 'camera';
}

export function CameraForm({ existing, onSaved, compact, submitLabel }: { existing?: CameraConfig; onSaved: (c: CameraConfig) => void; compact?: boolean; submitLabel?: string }) {
  const [name, setName] = useState(existing?.name ?? '');
  const [id, setId] = useState(existing?.id ?? '');
  const [url, setUrl] = useState(existing?.url ?? '');
  const [enabled, setEnabled] = useState(existing?.enabled ?? true);
  const [fps, setFps] = useState(existing?.analysisFps ?? 10);
  const [width, setWidth] = useState(existing?.analysisWidth ?? 1280);
  const [loop, setLoop] = useState(existing?.loop ?? false);
  const save = useAction(async () => {
    const fields = { name: name.trim(), url: url.trim(), enabled, analysisFps: fps, analysisWidth: width, loop: url.startsWith('file://') ? loop : false };
    const saved = existing
      ? await api.patch<CameraView>(`/cameras/${encodeURIComponent(existing.id)}`, fields)
      : await api.post<CameraView>('/cameras', { id: id || idFromName(name), ...fields });
    onSaved(saved.config);
  });
  return (
    <Form onSubmit={() => void save.run()} error={save.error} label={existing ? S.cameras.edit : S.cameras.add}>
      <TextField label={S.setup.cameraName} value={name} onValue={setName} required maxLength={80} />
      {!existing && !compact && <TextField label={S.cameras.id} hint={S.cameras.idHint} value={id} placeholder={idFromName(name)} onValue={setId} />}
      <TextField label={S.setup.cameraUrl} hint={S.setup.cameraUrlHint} value={url} onValue={setUrl} required autoCapitalize="none" spellcheck={false} />
      {!compact && (
        <>
          <NumberField label={S.cameras.analysisFps} hint={S.cameras.analysisFpsHint} value={fps} onValue={setFps} min={0.2} max={60} step={0.5} />
          <NumberField label={S.cameras.analysisWidth} hint={S.cameras.analysisWidthHint} value={width} onValue={setWidth} min={160} max={3840} step={16} />
          <CheckField label={S.cameras.enabled} checked={enabled} onValue={setEnabled} />
          {url.startsWith('file://') && <CheckField label={S.cameras.loop} checked={loop} onValue={setLoop} />}
        </>
      )}
      <div class="form-actions">
        <Button kind="primary" type="submit" busy={save.busy}>
          {submitLabel ?? S.settings.save}
        </Button>
      </div>
    </Form>
  );
}
