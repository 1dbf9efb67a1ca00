/** System: live health charts, version and ports, the audit log and the restart button. */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { Card, Page, Stat } from '../../kit/components/layout.js';
import { Pager, Table } from '../../kit/components/table.js';
import { Chart } from '../../kit/charts/chart.js';
import { useApi, useCursorPages, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { AuditList, HealthReport, SystemInfo } from '../../kit/contracts.js';
import { RestartButton } from '../restart.js';
import { BackupCard } from '../tools/backup-card.js';
import { S } from '../strings.js';

/** How many health samples the small charts keep (5 s apart: the last 10 minutes). */
const HISTORY = 120;

interface Sample {
  t: number;
  cpu: number | null;
  temp: number | null;
  memPct: number;
  detector: number | null;
  /** Frames analysed per second, per camera id. */
  fps: Record<string, number>;
}

function sampleOf(h: HealthReport): Sample {
  return {
    t: Date.parse(h.time) / 1000,
    cpu: h.cpu.loadPercent,
    temp: h.cpu.temperatureC,
    memPct: (100 * h.memory.usedBytes) / Math.max(1, h.memory.totalBytes),
    detector: h.detectorMs,
    fps: Object.fromEntries(h.cameras.map((c) => [c.cameraId, c.analysedFps])),
  };
}

/** Samples outlive the page while the app is open, so coming back to System shows the recent past. */
let kept: Sample[] = [];

export default function System() {
  const can = useCan();
  const info = useApi(() => api.get<SystemInfo>('/system/info'));
  const [history, setHistory] = useState<Sample[]>(kept);
  const health = useApi(async () => {
    const h = await api.get<HealthReport>('/health/details');
    kept = [...kept, sampleOf(h)].slice(-HISTORY);
    setHistory(kept);
    return h;
  });
  useInterval(health.reload, 5000);
  const series = (pick: (s: Sample) => number | null) => history.map(pick);
  const x = history.map((s) => s.t);
  return (
    <Page title={S.system.title}>
      <Card title={S.system.health}>
        <Async resource={health}>
          {(h) => (
            <>
              <div class="stats">
                <Stat label={S.system.cpu} value={fmt.percent(h.cpu.loadPercent)} />
                <Stat label={S.system.temperature} value={h.cpu.temperatureC === null ? '—' : `${fmt.number(h.cpu.temperatureC)} °C`} />
                <Stat label={S.system.memory} value={`${fmt.bytes(h.memory.usedBytes)} / ${fmt.bytes(h.memory.totalBytes)}`} />
                {h.disk.slice(0, 2).map((d) => (
                  <Stat key={d.mount} label={`${S.system.disk} ${d.mount}`} value={`${fmt.bytes(d.usedBytes)} / ${fmt.bytes(d.sizeBytes)}`} />
                ))}
                <Stat label={S.system.detector} value={h.detectorMs === null ? '—' : `${fmt.number(h.detectorMs)} ms`} />
              </div>
              <p class="small muted">{S.system.live}</p>
              <div class="grid">
                <Chart label={S.system.cpu} kind="line" time fill x={x} series={[{ label: '%', values: series((s) => s.cpu) }]} height={140} minPoints={2} emptyText={S.system.collecting} />
                <Chart label={S.system.memory} kind="line" time fill x={x} series={[{ label: '%', values: series((s) => s.memPct) }]} height={140} minPoints={2} emptyText={S.system.collecting} />
                <Chart
                  label={S.system.cameraFps}
                  kind="line"
                  time
                  x={x}
                  series={h.cameras.map((c) => ({ label: c.cameraId, values: series((s) => s.fps[c.cameraId] ?? null) }))}
                  height={140}
                  minPoints={2}
                  emptyText={S.system.collecting}
                />
                <Chart label={S.system.detector} kind="line" time x={x} series={[{ label: 'ms', values: series((s) => s.detector) }]} height={140} minPoints={2} emptyText={S.system.collecting} />
              </div>
            </>
          )}
        </Async>
      </Card>
      <div>
        <Card title={S.system.version}>
          <Async resource={info}>
            {(i) => (
              <dl class="facts">
                <dt>{S.system.version}</dt>
                <dd>{i.version}</dd>
                <dt>{S.system.deviceId}</dt>
                <dd class="mono">{i.deviceId}</dd>
                <dt>{S.system.node}</dt>
                <dd>{i.node}</dd>
                <dt>{S.system.platform}</dt>
                <dd>
                  {i.platform} / {i.arch}
                </dd>
                <dt>{S.system.uptime}</dt>
                <dd>{fmt.duration(i.uptimeSeconds)}</dd>
                <dt>{S.system.httpPort}</dt>
                <dd>{i.ports.http ?? '—'}</dd>
                <dt>{S.system.mqttPort}</dt>
                <dd>{i.ports.mqtt ?? '—'}</dd>
                <dt>{S.system.mqttWs}</dt>
                <dd class="mono">ws://{location.hostname}:{i.ports.http ?? location.port}/mqtt</dd>
              </dl>
            )}
          </Async>
          {can('system.restart') && <RestartButton onBack={info.reload} />}
        </Card>
      </div>
      {can('system.backup') && <BackupCard />}
      {can('audit.read') && <AuditLog />}
    </Page>
  );
}

function AuditLog() {
  const pages = useCursorPages();
  const audit = useApi(() => api.get<AuditList>('/audit', { limit: 20, cursor: pages.cursor }), [pages.cursor]);
  return (
    <Card title={S.system.audit}>
      <Async resource={audit} isEmpty={(d) => d.items.length === 0 && pages.page === 1} empty={S.system.auditEmpty}>
        {(d) => (
          <>
            <Table
              caption={S.system.audit}
              rows={d.items}
              rowKey={(e) => e.id}
              columns={[
                { key: 'at', label: S.system.when, render: (e) => fmt.dateTime(e.at) },
                { key: 'who', label: S.system.who, render: (e) => e.actor.name },
                { key: 'what', label: S.system.what, render: (e) => <span class="mono small">{e.action}</span> },
                { key: 'target', label: S.system.target, render: (e) => e.target ?? '—' },
              ]}
            />
            <Pager {...pages.pager(d.nextCursor)} />
          </>
        )}
      </Async>
    </Card>
  );
}
