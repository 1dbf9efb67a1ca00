/** Staff attendance per site and local day; names only where the box shares them (else its staff id). */
import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { Async } from '../../kit/components/feedback.js';
import { Button } from '../../kit/components/forms.js';
import { Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { ReportAnswer, SiteView, StaffDay } from '../contracts.js';
import { downloadCsv } from '../csv.js';
import { queryParams, ReportFilters, type ReportQuery } from '../report-filters.js';
import { S } from '../strings.js';

const who = (r: StaffDay) => r.displayName ?? S.staff.notShared(r.personId);

export default function Staff() {
  const sites = useApi(() => api.get<{ sites: SiteView[] }>('/sites'), []);
  const [q, setQ] = useState<ReportQuery>({ site: '', from: '', to: '' });
  const att = useApi(() => api.get<ReportAnswer<StaffDay[]>>('/reports/staff-attendance', queryParams(q)), [q.site, q.from, q.to]);
  const period = att.data ? { from: att.data.from, to: att.data.to } : { from: q.from, to: q.to };
  const csv = () =>
    att.data &&
    downloadCsv(
      `staff-attendance-${period.from}-${period.to}.csv`,
      ['site', 'timezone', 'staff', 'day', 'first_in_local', 'last_out_local', 'hours', 'visits'],
      att.data.data.map((r) => [r.siteName, r.timezone, who(r), r.day, r.firstIn, r.lastOut, r.hours, r.visits]),
    );
  return (
    <Page title={S.staff.title} actions={<Button onClick={csv} disabled={!att.data?.data.length}>{S.reports.tableCsv}</Button>}>
      <p class="muted">{S.staff.intro}</p>
      <ReportFilters key={`${period.from}|${period.to}|${q.site}`} sites={sites.data?.sites ?? []} value={{ site: q.site, ...period }} onApply={setQ} />
      <Async resource={att} isEmpty={(a) => a.data.length === 0} empty={S.staff.empty}>
        {(a) => (
          <>
            <p class="small muted">{S.reports.period(a.from, a.to)}</p>
            <Table
              caption={S.staff.title}
              rows={a.data}
              rowKey={(r) => `${r.siteId}|${r.personId}|${r.day}`}
              columns={[
                { key: 'site', label: S.staff.site, render: (r) => r.siteName },
                { key: 'who', label: S.staff.person, render: who },
                { key: 'day', label: S.staff.day, render: (r) => r.day },
                { key: 'in', label: S.staff.firstIn, render: (r) => `${r.firstIn} (${r.timezone})` },
                { key: 'out', label: S.staff.lastOut, render: (r) => `${r.lastOut} (${r.timezone})` },
                { key: 'hours', label: S.staff.hours, numeric: true, render: (r) => fmt.number(r.hours, 2) },
                { key: 'visits', label: S.staff.visits, numeric: true, render: (r) => fmt.number(r.visits) },
              ]}
            />
          </>
        )}
      </Async>
    </Page>
  );
}
