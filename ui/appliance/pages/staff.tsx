/** Staff: each member with a face thumbnail and today's attendance (from staff visits); add; test recognition. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api } from '../../kit/api.js';
import { Async } from '../../kit/components/feedback.js';
import { Button, Form, TextField } from '../../kit/components/forms.js';
import { Badge, Card, Page } from '../../kit/components/layout.js';
import { CropImage } from '../../kit/components/images.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { StaffList, StaffView, Visit, VisitPage } from '../../kit/contracts.js';
import { startOfLocalDay } from '../dates.js';
import { RecognisePhoto } from '../people/recognise-photo.js';
import { P } from '../people/strings.js';
import '../people/people.css';

interface Attendance {
  arrivedAt: string;
  departedAt: string | null;
  open: boolean;
}

/** Today's first arrival and last departure per staff member (an open visit means present now). */
function attendanceOf(visits: Visit[]): Map<string, Attendance> {
  const out = new Map<string, Attendance>();
  for (const v of visits) {
    const a = out.get(v.personId);
    const open = v.departedAt === null;
    if (!a) out.set(v.personId, { arrivedAt: v.arrivedAt, departedAt: v.departedAt, open });
    else {
      if (v.arrivedAt < a.arrivedAt) a.arrivedAt = v.arrivedAt;
      if (open) a.open = true;
      if (v.departedAt && (!a.departedAt || v.departedAt > a.departedAt)) a.departedAt = v.departedAt;
    }
  }
  return out;
}

export default function Staff() {
  const can = useCan();
  const { route } = useLocation();
  const staff = useApi(() => api.get<StaffList>('/staff'));
  const today = useApi(() => api.get<VisitPage>('/visits', { kind: 'staff', from: startOfLocalDay(0).toISOString(), limit: 500 }));
  const [name, setName] = useState('');
  const add = useAction(async () => {
    const s = await api.post<StaffView>('/staff', { name });
    route(`/staff/${s.id}`);
    return s;
  });
  const attendance = attendanceOf(today.data?.items ?? []);
  const presence = (s: StaffView) => {
    const a = attendance.get(s.id);
    if (!a) return <span class="muted">{P.staff.absent}</span>;
    return (
      <span>
        {P.staff.arrived(fmt.time(a.arrivedAt))}
        {a.open ? (
          <>
            {' '}
            <Badge kind="ok">{P.staff.present}</Badge>
          </>
        ) : (
          a.departedAt && `, ${P.staff.left(fmt.time(a.departedAt))}`
        )}
      </span>
    );
  };
  return (
    <Page title={P.staff.title}>
      {can('staff.write') && (
        <Card title={P.staff.add}>
          <Form onSubmit={() => void add.run()} error={add.error} label={P.staff.add}>
            <div class="filters">
              <TextField label={P.staff.name} hint={P.staff.addHint} value={name} onValue={setName} maxLength={80} required />
              <div class="form-actions">
                <Button type="submit" kind="primary" busy={add.busy} disabled={!name.trim()}>
                  {P.staff.add}
                </Button>
              </div>
            </div>
          </Form>
        </Card>
      )}
      <Card>
        <Async resource={staff} isEmpty={(d) => d.items.length === 0} empty={P.staff.empty}>
          {(d) => (
            <Table<StaffView>
              caption={P.staff.title}
              rows={d.items}
              rowKey={(s) => s.id}
              columns={[
                { key: 'photo', label: P.staff.photo, render: (s) => <CropImage cropId={s.photoCropId} alt={s.photoCropId ? P.staff.photoOf(s.name) : P.staff.noPhoto} /> },
                { key: 'name', label: P.staff.name, render: (s) => <a href={`/staff/${s.id}`}>{s.name}</a> },
                { key: 'today', label: P.staff.today, render: presence },
                { key: 'samples', label: P.staff.samples, numeric: true, render: (s) => fmt.number(s.samples) },
                {
                  key: 'template',
                  label: P.staff.template,
                  render: (s) => (s.hasTemplate ? <Badge kind="ok">{P.staff.templateYes}</Badge> : <Badge kind="warn">{P.staff.templateNo}</Badge>),
                },
              ]}
            />
          )}
        </Async>
      </Card>
      {can('people.read') && (
        <Card title={P.recognise.title}>
          <RecognisePhoto label={P.recognise.choose} />
        </Card>
      )}
    </Page>
  );
}
