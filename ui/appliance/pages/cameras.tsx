/** Cameras: state, frame rates and decoder of each; add, edit, test and remove (for roles that may). */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Async, ErrorNote, useToast } from '../../kit/components/feedback.js';
import { Button, ConfirmButton } from '../../kit/components/forms.js';
import { Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt, kitStrings } from '../../kit/strings.js';
import type { CameraList, CameraView } from '../../kit/contracts.js';
import { CameraForm } from '../cameras/camera-form.js';
import { ConnectionTest } from '../cameras/camera-test.js';
import { CameraState } from './overview.js';
import { PlacementPanel } from '../cameras/placement-panel.js';
import { S } from '../strings.js';

export function decoderLabel(decoder: string | null | undefined): string {
  if (!decoder) return '—';
  // GStreamer's software decoders are libav's (avdec_*) and a few named *dec; the rest are hardware.
  const software = /^(avdec_|openh264|jpegdec|vp8dec|vp9dec|dav1d)/.test(decoder);
  return `${decoder} (${software ? S.cameras.software : S.cameras.hardware})`;
}

export default function Cameras() {
  const can = useCan();
  const writable = can('cameras.write');
  const cameras = useApi(() => api.get<CameraList>('/cameras'));
  useInterval(cameras.reload, 5000);
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [testing, setTesting] = useState<string | null>(null);
  const toast = useToast();
  const remove = useAction(async (id: string) => {
    await api.del(`/cameras/${encodeURIComponent(id)}`);
    toast(S.cameras.removed);
    cameras.reload();
  });
  return (
    <Page title={S.cameras.title} actions={writable && !adding && <Button kind="primary" onClick={() => setAdding(true)}>{S.cameras.add}</Button>}>
      {adding && (
        <Card title={S.cameras.add}>
          <CameraForm
            onSaved={() => {
              setAdding(false);
              toast(S.cameras.saved);
              cameras.reload();
            }}
          />
          <Button onClick={() => setAdding(false)}>{kitStrings.cancel}</Button>
        </Card>
      )}
      <ErrorNote error={remove.error} />
      <Card>
        <Async resource={cameras} isEmpty={(d) => d.items.length === 0} empty={S.cameras.empty}>
          {(d) => (
            <Table<CameraView>
              caption={S.cameras.title}
              rowKey={(c) => c.config.id}
              rows={d.items}
              columns={[
                { key: 'name', label: S.cameras.name, render: (c) => <a href={`/cameras/${c.config.id}`}>{c.config.name}</a> },
                {
                  key: 'state',
                  label: S.cameras.state,
                  render: (c) => (
                    <>
                      <CameraState state={c.config.enabled ? (c.stats?.state ?? 'starting') : 'stopped'} />
                      {c.stats?.lastError && c.stats.state !== 'running' && <div class="small muted">{c.stats.lastError}</div>}
                    </>
                  ),
                },
                { key: 'fps', label: S.cameras.fps, numeric: true, render: (c) => (c.stats ? `${fmt.number(c.stats.inputFps, 1)} / ${fmt.number(c.stats.analysedFps, 1)}` : '—') },
                { key: 'decoder', label: S.cameras.decoder, render: (c) => decoderLabel(c.stats?.decoder) },
                ...(writable
                  ? [
                      {
                        key: 'actions',
                        label: '',
                        render: (c: CameraView) => (
                          <div class="row">
                            <Button onClick={() => setEditing(editing === c.config.id ? null : c.config.id)}>{S.cameras.edit}</Button>
                            <Button onClick={() => setTesting(testing === c.config.id ? null : c.config.id)}>{S.cameras.test}</Button>
                            <ConfirmButton label={S.cameras.remove} confirm={S.cameras.removeConfirm(c.config.name)} busy={remove.busy} onConfirm={() => void remove.run(c.config.id)} />
                          </div>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </Async>
      </Card>
      {editing && cameras.data?.items.find((c) => c.config.id === editing) && (
        <Card title={`${S.cameras.edit}: ${editing}`}>
          <CameraForm
            existing={cameras.data.items.find((c) => c.config.id === editing)!.config}
            onSaved={() => {
              setEditing(null);
              toast(S.cameras.saved);
              cameras.reload();
            }}
          />
        </Card>
      )}
      {cameras.data && cameras.data.items.length > 0 && <PlacementPanel names={Object.fromEntries(cameras.data.items.map((c) => [c.config.id, c.config.name]))} />}
      {testing && (
        <Card title={`${S.cameras.test}: ${testing}`}>
          <ConnectionTest key={testing} cameraId={testing} autoStart withSnapshot />
        </Card>
      )}
    </Page>
  );
}
