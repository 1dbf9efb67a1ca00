/** Reports: visits per day and hour, weekday × hour heatmap, new vs returning, stay, age and gender. */
import { useState } from 'preact/hooks';
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { Button, TextField } from '../../kit/components/forms.js';
import { Card, Page, Stat } from '../../kit/components/layout.js';
import { Chart, Heatmap } from '../../kit/charts/chart.js';
import { useApi } from '../../kit/hooks.js';
import { fmt } from '../../kit/strings.js';
import type { CameraList, LocalReport } from '../../kit/contracts.js';
import { countsPersons, FootfallReportCard } from '../footfall.js';
import { dayToIso, siteDay } from '../dates.js';
import { S } from '../strings.js';

const HOURS = Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'));

export default function Reports() {
  const [from, setFrom] = useState(siteDay(6));
  const [to, setTo] = useState(siteDay(0));
  const range = { from: dayToIso(from), to: dayToIso(to, true) };
  const report = useApi(() => api.get<LocalReport>('/reports/local', range), [from, to]);
  const cameras = useApi(() => api.get<CameraList>('/cameras'));
  const preset = (days: number) => {
    setFrom(siteDay(days - 1));
    setTo(siteDay(0));
  };
  return (
    <Page title={S.reports.title}>
      <Card>
        <div class="filters">
          <TextField label={S.reports.from} type="date" value={from} onValue={setFrom} />
          <TextField label={S.reports.to} type="date" value={to} onValue={setTo} />
          <div class="row">
            <Button onClick={() => preset(1)}>{S.reports.today}</Button>
            <Button onClick={() => preset(7)}>{S.reports.last7}</Button>
            <Button onClick={() => preset(30)}>{S.reports.last30}</Button>
          </div>
        </div>
      </Card>
      <Async resource={report} isEmpty={(r) => r.empty} empty={S.reports.empty}>
        {(r) => <ReportBody r={r} />}
      </Async>
      {cameras.data && <FootfallReportCard range={range} counting={countsPersons(cameras.data)} />}
    </Page>
  );
}

function ReportBody({ r }: { r: LocalReport }) {
  const days = r.byDay.map((d) => d.date.slice(5));
  return (
    <>
      <p class="small muted">{S.reports.tz(r.timezone)}</p>
      <div class="stats">
        <Stat label={S.reports.visits} value={fmt.number(r.customers.visits)} />
        <Stat label={S.reports.unique} value={fmt.number(r.customers.uniqueCustomers)} />
        <Stat label={S.reports.newVisits} value={fmt.number(r.customers.newVisits)} />
        <Stat label={S.reports.returningVisits} value={fmt.number(r.customers.returningVisits)} />
        <Stat label={S.reports.medianDwell} value={fmt.duration(r.dwell.medianSeconds)} />
        <Stat label={S.reports.staffVisits} value={fmt.number(r.staff.visits)} />
      </div>
      <Recognised v={r.visitors} />
      <div class="grid wide">
        <Card>
          <Chart
            label={S.reports.byDay}
            kind="bars"
            stacked
            x={days.map((_, i) => i)}
            xLabels={days}
            series={[
              { label: S.reports.newVisits, values: r.byDay.map((d) => d.newVisits) },
              { label: S.reports.returningVisits, values: r.byDay.map((d) => d.returningVisits) },
            ]}
          />
        </Card>
        <Card>
          <Chart label={S.reports.byHour} kind="bars" x={HOURS.map((_, i) => i)} xLabels={HOURS} series={[{ label: S.reports.visits, values: r.byHour }]} />
        </Card>
        <Card>
          <Heatmap
            label={S.reports.heatmap}
            rows={S.reports.weekdays}
            columns={HOURS}
            values={r.byWeekdayHour}
            describe={(d, h, n) => S.reports.heatCell(d, h, n)}
          />
        </Card>
        <Card>
          <CategoryBars label={S.reports.dwell} rows={r.dwell.buckets.map((b) => [b.label, b.visits])} />
        </Card>
        <Card>
          <CategoryBars label={S.reports.age} rows={r.demographics.ageBands.map((b) => [b.band, b.visits])} />
          {r.demographics.ageUnknown > 0 && <p class="small muted">{S.reports.ageUnknown(r.demographics.ageUnknown)}</p>}
        </Card>
        <Card>
          <CategoryBars
            label={S.reports.gender}
            rows={[
              [S.reports.male, r.demographics.gender.male],
              [S.reports.female, r.demographics.gender.female],
              [S.reports.unknown, r.demographics.gender.unknown],
            ]}
          />
        </Card>
      </div>
    </>
  );
}

/** Identified (customer + staff) against unidentified visitors, and the share the box recognised. */
function Recognised({ v }: { v: LocalReport['visitors'] }) {
  const total = v.identified + v.unidentified;
  return (
    <Card title={S.reports.recognised}>
      <p class="small muted">{S.reports.recognisedIntro}</p>
      {total === 0 ? (
        <p class="muted">{S.reports.noVisitors}</p>
      ) : (
        <div class="stats recognised">
          <Stat label={S.reports.identified} value={fmt.number(v.identified)} />
          <Stat label={S.reports.customers} value={fmt.number(v.customer)} />
          <Stat label={S.reports.staff} value={fmt.number(v.staff)} />
          <Stat label={S.reports.unidentified} value={fmt.number(v.unidentified)} />
          <Stat label={S.reports.shareRecognised} value={fmt.percent((100 * v.identified) / total)} />
        </div>
      )}
    </Card>
  );
}

/** Visits per category (stay buckets, age bands, gender) as bars. */
function CategoryBars({ label, rows }: { label: string; rows: Array<[string, number]> }) {
  return <Chart label={label} kind="bars" x={rows.map((_, i) => i)} xLabels={rows.map(([l]) => l)} series={[{ label: S.reports.visits, values: rows.map(([, n]) => n) }]} />;
}
