/** Visits: filters (dates, who, new or returning, status, camera), cursor paging, CSV of the same filters. */
import { useState } from 'preact/hooks';
import { api, apiUrl, type Query } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Pager, Table } from '../../kit/components/table.js';
import { CropImage } from '../../kit/components/images.js';
import { useApi, useCursorPages } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { CameraList, Visit, VisitPage } from '../../kit/contracts.js';
import { dayToIso, siteDay } from '../dates.js';
import { S } from '../strings.js';

const PAGE_SIZE = 25;

export default function Visits() {
  const can = useCan();
  const [from, setFrom] = useState(siteDay(6));
  const [to, setTo] = useState(siteDay(0));
  const [kind, setKind] = useState<'all' | 'customer' | 'staff' | 'unidentified'>('all');
  const [returning, setReturning] = useState<'all' | 'new' | 'returning'>('all');
  const [status, setStatus] = useState<'all' | 'open' | 'closed'>('all');
  const [camera, setCamera] = useState('');
  const cameras = useApi(() => api.get<CameraList>('/cameras'));

  const filters: Query = {
    from: dayToIso(from),
    to: dayToIso(to, true),
    kind: kind === 'all' ? undefined : kind,
    returning: returning === 'all' ? undefined : String(returning === 'returning'),
    status: status === 'all' ? undefined : status,
    cameraId: camera || undefined,
  };
  const key = JSON.stringify(filters);
  const pages = useCursorPages(key);
  const page = useApi(() => api.get<VisitPage>('/visits', { ...filters, limit: PAGE_SIZE, cursor: pages.cursor }), [key, pages.cursor]);
  return (
    <Page
      title={S.visits.title}
      actions={
        can('visits.export') && (
          <a class="button" href={apiUrl('/visits/export.csv', filters)} download="visits.csv">
            {S.visits.csv}
          </a>
        )
      }
    >
      <Card>
        <div class="filters" role="search">
          <TextField label={S.visits.from} type="date" value={from} onValue={setFrom} />
          <TextField label={S.visits.to} type="date" value={to} onValue={setTo} />
          <SelectField label={S.visits.kind} value={kind} onValue={setKind} options={Object.entries(S.visits.kinds).map(([value, label]) => ({ value: value as typeof kind, label }))} />
          <SelectField
            label={S.visits.returning}
            value={returning}
            onValue={setReturning}
            options={Object.entries(S.visits.returningOpts).map(([value, label]) => ({ value: value as typeof returning, label }))}
          />
          <SelectField label={S.visits.status} value={status} onValue={setStatus} options={Object.entries(S.visits.statuses).map(([value, label]) => ({ value: value as typeof status, label }))} />
          <SelectField
            label={S.visits.camera}
            value={camera}
            onValue={setCamera}
            options={[{ value: '', label: S.visits.anyCamera }, ...(cameras.data?.items.map((c) => ({ value: c.config.id, label: c.config.name })) ?? [])]}
          />
        </div>
      </Card>
      <Card>
        <Async resource={page} isEmpty={(d) => d.items.length === 0 && pages.page === 1} empty={S.visits.empty}>
          {(d) => (
            <>
              <Table<Visit>
                caption={S.visits.title}
                rows={d.items}
                rowKey={(v) => v.id}
                columns={[
                  { key: 'face', label: '', render: (v) => <CropImage cropId={can('faces.view') ? v.bestCropId : null} alt={v.personId} /> },
                  {
                    key: 'person',
                    label: S.visits.person,
                    render: (v) => (
                      <>
                        <span class="nowrap">{v.personId}</span> <KindBadge v={v} />
                      </>
                    ),
                  },
                  { key: 'arrived', label: S.visits.arrived, render: (v) => fmt.dateTime(v.arrivedAt) },
                  { key: 'departed', label: S.visits.departed, render: (v) => (v.status === 'open' ? <Badge kind="warn">{S.visits.stillHere}</Badge> : fmt.time(v.departedAt)) },
                  { key: 'dwell', label: S.visits.dwell, numeric: true, render: (v) => fmt.duration(v.dwellSeconds) },
                  { key: 'no', label: S.visits.visitNo, numeric: true, render: (v) => `#${v.visitNumber}` },
                  { key: 'age', label: S.visits.age, numeric: true, render: (v) => fmt.number(v.demographics.ageMedian) },
                  { key: 'gender', label: S.visits.gender, render: (v) => (v.demographics.gender ? S.reports[v.demographics.gender] : '—') },
                  { key: 'cameras', label: S.visits.camera, render: (v) => v.cameras.join(', ') },
                ]}
              />
              <Pager {...pages.pager(d.nextCursor)} />
            </>
          )}
        </Async>
      </Card>
    </Page>
  );
}

/** Staff, unidentified (explained on hover), or a customer's new/returning visit. */
function KindBadge({ v }: { v: Visit }) {
  if (v.kind === 'staff') return <Badge>{S.visits.kinds.staff}</Badge>;
  if (v.kind === 'unidentified')
    return (
      <span title={S.visits.unidentifiedHint}>
        <Badge kind="warn">{S.visits.unidentifiedVisit}</Badge>
      </span>
    );
  return <Badge kind={v.returning ? 'ok' : undefined}>{v.returning ? S.visits.returningVisit : S.visits.newVisit}</Badge>;
}
