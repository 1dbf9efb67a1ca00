/** The placement check of one camera: the pipeline's own face measurements over the last minutes and plain advice. */
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { Badge, Card, Stat } from '../../kit/components/layout.js';
import { useApi, useInterval } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { CameraPlacement } from './contracts.js';
import { P } from '../people/strings.js';

const MINUTES = 5;

export function PlacementCard({ cameraId }: { cameraId: string }) {
  const report = useApi(() => api.get<CameraPlacement>(`/cameras/${encodeURIComponent(cameraId)}/placement`, { minutes: MINUTES }), [cameraId]);
  useInterval(report.reload, 10_000);
  return (
    <Card title={P.placement.title}>
      <Async resource={report}>
        {(r) => (
          <div class="stack">
            <p class="small muted">
              {P.placement.intro(MINUTES)} {P.placement.measured(r.facesMeasured)}.{' '}
              <Badge kind={r.verdict === 'good' ? 'ok' : r.verdict === 'poor' ? 'danger' : 'warn'}>{P.placement.verdict[r.verdict]}</Badge>
            </p>
            <div class="stats">
              <Stat label={P.placement.width} value={r.medianFaceWidthPx === null ? '—' : P.placement.px(r.medianFaceWidthPx)} hint={`≥ ${r.needs.minFaceWidthPx} px`} />
              <Stat label={P.placement.sharpness} value={fmt.number(r.medianSharpness)} hint={`≥ ${r.needs.minSharpness}`} />
              <Stat label={P.placement.frontal} value={fmt.number(r.medianFrontal, 2)} hint={`≥ ${r.needs.goodFrontal}`} />
              <Stat label={P.placement.identifiable} value={r.identifiableShare === null ? '—' : fmt.percent(r.identifiableShare * 100)} />
            </div>
            <ul class="preview-list">
              {r.advice.map((a) => (
                <li key={a}>{a}</li>
              ))}
            </ul>
          </div>
        )}
      </Async>
    </Card>
  );
}
