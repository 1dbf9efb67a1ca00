/**
 * The period and site picker shared by Reports and Staff attendance. Empty dates mean the server's
 * default (the last 7 days); the answer's own from/to are shown back, so the period is always stated.
 */
import { useState } from 'preact/hooks';
import { Button, SelectField, TextField } from '../kit/components/forms.js';
import type { SiteView } from './contracts.js';
import { S } from './strings.js';

export interface ReportQuery {
  site: string;
  from: string;
  to: string;
}

export function ReportFilters({ sites, value, onApply, children }: { sites: SiteView[]; value: ReportQuery; onApply: (q: ReportQuery) => void; children?: preact.ComponentChildren }) {
  const [q, setQ] = useState(value);
  return (
    <form
      class="card filters"
      aria-label={S.reports.title}
      onSubmit={(e) => {
        e.preventDefault();
        onApply(q);
      }}
    >
      <SelectField label={S.reports.site} value={q.site} onValue={(site) => setQ({ ...q, site })} options={[{ value: '', label: S.reports.allSites }, ...sites.map((s) => ({ value: s.id, label: s.name }))]} />
      <TextField label={S.reports.from} type="date" value={q.from} onValue={(from) => setQ({ ...q, from })} />
      <TextField label={S.reports.to} type="date" value={q.to} onValue={(to) => setQ({ ...q, to })} />
      <div class="filter-action">
        <Button kind="primary" type="submit">{S.reports.apply}</Button>
      </div>
      {children}
    </form>
  );
}

export const queryParams = (q: ReportQuery) => ({ sites: q.site || undefined, from: q.from || undefined, to: q.to || undefined });
