/** One device: facts, heartbeat history charts, cameras with state and last error, recent visits. */
import { useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api } from '../api.js';
import { Chart } from '../../kit/charts/chart.js';
import { Async, Note } from '../../kit/components/feedback.js';
import { ConfirmButton, SelectField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { DeviceDetail } from '../contracts.js';
import { siteTime } from '../dates.js';
import { healthOf } from '../fleet-health.js';
import { S } from '../strings.js';

const RANGES = [1, 24, 24 * 7, 24 * 30];

function Charts({ d }: { d: DeviceDetail }) {
  const pts = d.history.points;
  const tz = d.device.timezone;
  const idle = pts.length > 0 && pts.every((p) => p.backlog === 0);
  // One averaged point draws no line: say so rather than show an empty axis.
  if (pts.length < 2) return <p class="empty">{S.device.fewPoints(pts.length, d.history.bucketSeconds)}</p>;
  const x = pts.map((p) => Date.parse(p.at) / 1000);
  const cams = [...new Set(pts.flatMap((p) => Object.keys(p.analysedFps)))].sort();
  return (
    <div class="grid wide">
      <Card><Chart label={S.device.temperature} kind="line" time timeZone={tz} x={x} series={[{ label: '°C', values: pts.map((p) => p.cpuTemperatureC) }]} /></Card>
      <Card><Chart label={S.device.cpu} kind="line" time timeZone={tz} x={x} series={[{ label: '%', values: pts.map((p) => p.cpuLoadPercent) }]} /></Card>
      <Card>
        {idle ? (
          <figure style={{ margin: 0 }}><figcaption class="chart-title">{S.device.backlog}</figcaption><p class="empty">{S.device.noBacklog}</p></figure>
        ) : (
          <Chart label={S.device.backlog} kind="line" time timeZone={tz} x={x} series={[{ label: S.device.backlog, values: pts.map((p) => p.backlog) }]} />
        )}
      </Card>
      <Card><Chart label={S.device.fps} kind="line" time timeZone={tz} x={x} series={cams.map((c) => ({ label: c, values: pts.map((p) => p.analysedFps[c] ?? null) }))} /></Card>
    </div>
  );
}

export default function Device() {
  const { params } = useRoute();
  const id = params.id;
  const [hours, setHours] = useState(24);
  const detail = useApi(() => api.get<DeviceDetail>(`/fleet/devices/${encodeURIComponent(id)}`, { hours }), [id, hours]);
  useInterval(detail.reload, 60_000);
  const can = useCan();
  const revoke = useAction(async () => {
    await api.post(`/devices/${encodeURIComponent(id)}/revoke`);
    detail.reload();
  });
  const name = detail.data?.device.name ?? id;
  return (
    <Page
      title={S.device.title(name)}
      actions={
        <>
          <a href="/">{S.device.back}</a>
          {can('devices.manage') && detail.data && !detail.data.device.revoked && <ConfirmButton label={S.device.revoke} busy={revoke.busy} onConfirm={() => void revoke.run()} />}
        </>
      }
    >
      <Async resource={detail}>
        {(d) => {
          const dev = d.device;
          const h = healthOf(dev);
          const v = (dev.versions ?? {}) as { app?: string; node?: string; os?: string; models?: Record<string, string> };
          return (
            <>
              {dev.revoked && <Note kind="warn">{S.device.revoked}</Note>}
              <Card title={S.device.facts}>
                <dl class="facts">
                  <dt>{S.device.status}</dt>
                  <dd>
                    {dev.online ? <Badge kind={h.severity ? 'warn' : 'ok'}>{S.status.online}</Badge> : <Badge kind="danger">{S.status.offline}</Badge>}{' '}
                    {h.problems.join(', ')}
                  </dd>
                  <dt>{S.device.site}</dt>
                  <dd>{dev.siteName}{dev.region ? ` · ${dev.region}` : ''}</dd>
                  <dt>{S.device.timezone}</dt>
                  <dd>{dev.timezone}</dd>
                  <dt>{S.device.lastHeartbeat}</dt>
                  <dd>{siteTime(dev.lastHeartbeatAt, dev.timezone)}</dd>
                  <dt>{S.device.lastVisit}</dt>
                  <dd>{siteTime(dev.lastVisitAt, dev.timezone)}</dd>
                  <dt>{S.device.versions}</dt>
                  <dd class="mono small">
                    app {v.app ?? '—'}{v.node ? ` · node ${v.node}` : ''}{v.os ? ` · ${v.os}` : ''}
                    {v.models && Object.entries(v.models).map(([k, s]) => <div key={k}>{k} {s}</div>)}
                  </dd>
                  {dev.balenaUuid && (<><dt>{S.device.balena}</dt><dd class="mono">{dev.balenaUuid}</dd></>)}
                </dl>
              </Card>
              <div class="filters" style={{ marginBottom: '1rem' }}>
                <SelectField label={S.device.range} value={String(hours)} onValue={(x) => setHours(Number(x))} options={RANGES.map((r) => ({ value: String(r), label: S.device.hours(r) }))} />
                <p class="small muted filter-action">{S.device.chartTimes(dev.timezone)}</p>
              </div>
              <Charts d={d} />
              <Card title={S.device.cameras}>
                <Table
                  caption={S.device.cameras}
                  rows={dev.cameras}
                  rowKey={(c) => c.cameraId}
                  empty={S.device.noCameras}
                  columns={[
                    { key: 'id', label: S.device.camera, render: (c) => c.cameraId },
                    { key: 'state', label: S.device.state, render: (c) => <Badge kind={c.state === 'running' ? 'ok' : c.state === 'starting' ? undefined : 'danger'}>{c.state}</Badge> },
                    { key: 'since', label: S.device.since, render: (c) => siteTime(c.at, dev.timezone) },
                    { key: 'fps', label: S.device.analysedFps, numeric: true, render: (c) => fmt.number(c.analysedFps, 1) },
                    { key: 'err', label: S.device.lastError, render: (c) => c.lastError ?? '—' },
                  ]}
                />
              </Card>
              <Card title={`${S.device.visits} (${S.tz(dev.timezone)})`}>
                <Table
                  caption={S.device.visits}
                  rows={d.recentVisits}
                  rowKey={(x) => x.visitId + x.arrivedAt}
                  empty={S.device.noVisits}
                  columns={[
                    { key: 'arrived', label: S.device.arrived, render: (x) => fmt.dateTime(x.arrivedAt, dev.timezone) },
                    { key: 'person', label: S.device.person, render: (x) => <span class="mono">{x.personId}</span> },
                    { key: 'kind', label: S.device.kind, render: (x) => x.kind },
                    { key: 'dwell', label: S.device.dwell, numeric: true, render: (x) => (x.status === 'open' ? S.device.stillIn : fmt.duration(x.dwellSeconds)) },
                  ]}
                />
              </Card>
            </>
          );
        }}
      </Async>
    </Page>
  );
}
