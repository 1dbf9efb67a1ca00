/** One camera: a large live view and its statistics. */
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { Card, Page } from '../../kit/components/layout.js';
import { LiveImage } from '../../kit/components/images.js';
import { useApi, useInterval } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { CameraView } from '../../kit/contracts.js';
import { CameraState } from './overview.js';
import { decoderLabel } from './cameras.js';
import { S } from '../strings.js';
import { PlacementCard } from '../tools/placement-card.js';
import { CountingEditor } from '../cameras/counting-editor.js';
import { useCan } from '../../kit/session.js';

export default function CameraDetail({ id }: { id: string }) {
  const can = useCan();
  const camera = useApi(() => api.get<CameraView>(`/cameras/${encodeURIComponent(id)}`), [id]);
  useInterval(camera.reload, 5000);
  const name = camera.data?.config.name ?? id;
  return (
    <Page title={name} actions={<a class="button" href="/cameras">{S.cameras.back}</a>}>
      <Async resource={camera}>
        {(c) => (
          <div class="stack">
            <LiveImage cameraId={c.config.id} alt={S.overview.liveOf(c.config.name)} unavailable={S.overview.liveUnavailable} />
            <Card title={S.cameras.stats}>
              <dl class="facts">
                <dt>{S.cameras.state}</dt>
                <dd><CameraState state={c.config.enabled ? (c.stats?.state ?? 'starting') : 'stopped'} /></dd>
                <dt>{S.cameras.url}</dt>
                <dd class="mono small">{c.config.url.replace(/\/\/([^/@]*)@/, '//***@')}</dd>
                <dt>{S.cameras.fps}</dt>
                <dd>{c.stats ? `${fmt.number(c.stats.inputFps, 1)} / ${fmt.number(c.stats.analysedFps, 1)}` : '—'}</dd>
                <dt>{S.cameras.size}</dt>
                <dd>{c.stats?.width ? `${c.stats.width}×${c.stats.height}` : '—'}</dd>
                <dt>{S.cameras.decoder}</dt>
                <dd>{decoderLabel(c.stats?.decoder)}</dd>
                <dt>{S.cameras.dropped}</dt>
                <dd>{fmt.number(c.stats?.droppedFrames)}</dd>
                <dt>{S.cameras.reconnects}</dt>
                <dd>{fmt.number(c.stats?.reconnects)}</dd>
                <dt>{S.cameras.lastError}</dt>
                <dd>{c.stats?.lastError ?? '—'}</dd>
              </dl>
            </Card>
            {can('cameras.write') && <CountingEditor key={c.config.id} camera={c.config} onSaved={camera.reload} />}
            <PlacementCard cameraId={c.config.id} />
          </div>
        )}
      </Async>
    </Page>
  );
}
