/**
 * Placement check of every camera at a glance (Cameras page): median face width, sharpness, frontal score,
 * the share of faces good enough to identify and the API's plain advice. Each camera's own page has the
 * detailed card (ui/appliance/tools/placement-card.tsx).
 */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { SelectField } from '../../kit/components/forms.js';
import { Badge, Card } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useApi, useInterval } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { CameraPlacement, PlacementReport } from '../../kit/contracts.js';
import { S } from '../strings.js';

const verdictKind = { good: 'ok', poor: 'warn', 'no-data': undefined } as const;

export function PlacementPanel({ names }: { names: Record<string, string> }) {
  const [minutes, setMinutes] = useState('5');
  const report = useApi(() => api.get<PlacementReport>('/placement', { minutes }), [minutes]);
  useInterval(report.reload, 15_000);
  return (
    <Card
      title={S.placement.title}
      actions={
        <SelectField
          label={S.placement.window}
          value={minutes}
          onValue={setMinutes}
          options={['1', '5', '15', '60'].map((m) => ({ value: m, label: S.placement.minutes(Number(m)) }))}
        />
      }
    >
      <p class="small muted">{S.placement.intro}</p>
      <Async resource={report} isEmpty={(d) => d.items.length === 0} empty={S.cameras.empty}>
        {(d) => (
          <Table<CameraPlacement>
            caption={S.placement.title}
            rows={d.items}
            rowKey={(p) => p.cameraId}
            columns={[
              { key: 'camera', label: S.cameras.name, render: (p) => <a href={`/cameras/${p.cameraId}`}>{names[p.cameraId] ?? p.cameraId}</a> },
              { key: 'verdict', label: S.placement.verdict, render: (p) => <Badge kind={verdictKind[p.verdict]}>{S.placement.verdicts[p.verdict]}</Badge> },
              { key: 'faces', label: S.placement.faces, numeric: true, render: (p) => fmt.number(p.facesMeasured) },
              { key: 'width', label: S.placement.width, numeric: true, render: (p) => (p.medianFaceWidthPx === null ? '—' : `${fmt.number(p.medianFaceWidthPx)} px`) },
              { key: 'sharp', label: S.placement.sharpness, numeric: true, render: (p) => fmt.number(p.medianSharpness) },
              { key: 'frontal', label: S.placement.frontal, numeric: true, render: (p) => fmt.number(p.medianFrontal, 2) },
              { key: 'share', label: S.placement.identifiable, numeric: true, render: (p) => (p.identifiableShare === null ? '—' : fmt.percent(100 * p.identifiableShare)) },
            ]}
          />
        )}
      </Async>
      {report.data?.items.some((p) => p.advice.length > 0) && (
        <div class="stack">
          <h3>{S.placement.advice}</h3>
          {report.data.items
            .filter((p) => p.advice.length > 0)
            .map((p) => (
              <div key={p.cameraId}>
                <strong>{names[p.cameraId] ?? p.cameraId}</strong>
                <ul class="advice">
                  {p.advice.map((a) => (
                    <li key={a}>{a}</li>
                  ))}
                </ul>
              </div>
            ))}
        </div>
      )}
    </Card>
  );
}
