/**
 * Fleet: every device with its health, problems first; filter by region and site, search; 100 rows a
 * page so 1,000+ devices stay quick to draw. Refreshes every 30 s.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Async } from '../../kit/components/feedback.js';
import { CheckField, SelectField, TextField } from '../../kit/components/forms.js';
import { Badge, Page, Stat } from '../../kit/components/layout.js';
import { Pager, Table, type Column } from '../../kit/components/table.js';
import { useApi, useInterval } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { FleetDevice } from '../contracts.js';
import { ago, siteTime } from '../dates.js';
import { healthOf, versionOf, type Health } from '../fleet-health.js';
import { S } from '../strings.js';
import { takePrefetched } from '../prefetch.js';

const PAGE = 100;
type Row = FleetDevice & { health: Health };

function StatusBadge({ d }: { d: Row }) {
  if (d.revoked) return <Badge>{S.status.revoked}</Badge>;
  if (!d.lastHeartbeatAt) return <Badge kind="danger">{S.status.never}</Badge>;
  return d.online ? <Badge kind={d.health.severity ? 'warn' : 'ok'}>{S.status.online}</Badge> : <Badge kind="danger">{S.status.offline}</Badge>;
}

const columns: Column<Row>[] = [
  { key: 'status', label: S.fleet.cols.status, render: (d) => <StatusBadge d={d} /> },
  {
    key: 'device',
    label: S.fleet.cols.device,
    render: (d) => (
      <>
        <a href={`/devices/${encodeURIComponent(d.deviceId)}`}>{d.name}</a>
        {d.health.problems.length > 0 && <div class="small problem">{d.health.problems.join(', ')}</div>}
      </>
    ),
  },
  { key: 'site', label: S.fleet.cols.site, render: (d) => <>{d.siteName}{d.region && <div class="small muted">{d.region}</div>}</> },
  { key: 'version', label: S.fleet.cols.version, render: (d) => <span class="mono">{versionOf(d)}</span> },
  { key: 'backlog', label: S.fleet.cols.backlog, numeric: true, render: (d) => fmt.number(d.backlog) },
  { key: 'temp', label: S.fleet.cols.temperature, numeric: true, render: (d) => (d.cpuTemperatureC === null ? '—' : `${fmt.number(d.cpuTemperatureC, 0)} °C`) },
  { key: 'disk', label: S.fleet.cols.disk, numeric: true, render: (d) => fmt.percent(d.diskPercent) },
  { key: 'cams', label: S.fleet.cols.cameras, numeric: true, render: (d) => (d.cameras.length ? `${d.camerasUp} / ${d.cameras.length}` : '—') },
  { key: 'hb', label: S.fleet.cols.heartbeat, render: (d) => <span title={siteTime(d.lastHeartbeatAt, d.timezone)}>{ago(d.lastHeartbeatAt)}</span> },
  { key: 'visit', label: S.fleet.cols.visit, render: (d) => <span class="small">{siteTime(d.lastVisitAt, d.timezone)}</span> },
];

export default function Fleet() {
  const fleet = useApi(() => takePrefetched<{ devices: FleetDevice[] }>('/fleet/devices') ?? api.get<{ devices: FleetDevice[] }>('/fleet/devices'), []);
  useInterval(fleet.reload, 30_000);
  const [region, setRegion] = useState('');
  const [site, setSite] = useState('');
  const [query, setQuery] = useState('');
  const [problemsOnly, setProblemsOnly] = useState(false);
  const [page, setPage] = useState(1);
  useEffect(() => setPage(1), [region, site, query, problemsOnly]);

  const rows = useMemo<Row[]>(() => {
    const all = (fleet.data?.devices ?? []).map((d) => ({ ...d, health: healthOf(d) }));
    // A plain comparison: a locale collator over 1,000 rows costs more than the whole draw on a slow CPU.
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return all.sort((a, b) => b.health.severity - a.health.severity || cmp(a.siteName, b.siteName) || cmp(a.name, b.name));
  }, [fleet.data]);
  const regions = useMemo(() => [...new Set(rows.map((d) => d.region).filter((r): r is string => !!r))].sort(), [rows]);
  const sites = useMemo(() => {
    const m = new Map<string, string>();
    for (const d of rows) if (!region || d.region === region) m.set(d.siteId, d.siteName);
    return [...m].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  }, [rows, region]);
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return rows.filter(
      (d) =>
        (!region || d.region === region) &&
        (!site || d.siteId === site) &&
        (!problemsOnly || d.health.severity > 0) &&
        (!q || `${d.name} ${d.siteName} ${d.deviceId} ${versionOf(d)} ${d.region ?? ''}`.toLowerCase().includes(q)),
    );
  }, [rows, region, site, query, problemsOnly]);
  const pageRows = shown.slice((page - 1) * PAGE, page * PAGE);

  useEffect(() => {
    // For bench:hq: the moment the fleet is on screen.
    if (fleet.data) performance.mark('hq-fleet-rendered');
  }, [fleet.data]);

  return (
    <Page title={S.fleet.title}>
      <Async resource={fleet} isEmpty={(f) => f.devices.length === 0} empty={S.fleet.none}>
        {() => (
          <>
            <div class="stats">
              <Stat label={S.fleet.devices} value={fmt.number(rows.length)} />
              <Stat label={S.fleet.online} value={fmt.number(rows.filter((d) => d.online).length)} />
              <Stat label={S.fleet.offline} value={fmt.number(rows.filter((d) => !d.online && !d.revoked).length)} />
              <Stat label={S.fleet.problems} value={fmt.number(rows.filter((d) => d.health.severity > 0).length)} />
            </div>
            <div class="card">
              <div class="filters">
                <SelectField label={S.fleet.region} value={region} onValue={(v) => { setRegion(v); setSite(''); }} options={[{ value: '', label: S.fleet.allRegions }, ...regions.map((r) => ({ value: r, label: r }))]} />
                <SelectField label={S.fleet.site} value={site} onValue={setSite} options={[{ value: '', label: S.fleet.allSites }, ...sites.map(([id, name]) => ({ value: id, label: name }))]} />
                <TextField label={S.fleet.search} type="search" placeholder={S.fleet.searchHint} value={query} onValue={setQuery} />
                <CheckField label={S.fleet.problemsOnly} checked={problemsOnly} onValue={setProblemsOnly} />
              </div>
            </div>
            <p class="small muted" id="fleet-count">
              {shown.length ? S.fleet.showing(fmt.number((page - 1) * PAGE + 1), fmt.number(Math.min(page * PAGE, shown.length)), fmt.number(shown.length)) : ''} · {S.fleet.timesNote}
            </p>
            <Table caption={S.fleet.title} columns={columns} rows={pageRows} rowKey={(d) => d.deviceId} empty={S.fleet.empty} />
            {shown.length > PAGE && <Pager page={page} hasNext={page * PAGE < shown.length} onPrev={() => setPage(page - 1)} onNext={() => setPage(page + 1)} />}
          </>
        )}
      </Async>
    </Page>
  );
}
