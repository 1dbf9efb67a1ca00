/** One customer: note, visit history, face samples (split some off), forget (saying exactly what is removed). */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, ApiError, apiUrl } from '../../kit/api.js';
import { Async, ErrorNote, useToast } from '../../kit/components/feedback.js';
import { Button, Form, SelectField, TextField } from '../../kit/components/forms.js';
import { Card, Page } from '../../kit/components/layout.js';
import { Table } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { CustomerDetail as CustomerDetailView, StaffList, Visit, VisitPage } from '../../kit/contracts.js';
import type { EnrolSeenResult } from '../people/contracts.js';
import { FaceTiles, toggled } from '../people/face-tiles.js';
import { ForgetPerson } from '../people/forget-person.js';
import { P } from '../people/strings.js';
import '../people/people.css';

export default function CustomerDetail({ id }: { id: string }) {
  const can = useCan();
  const toast = useToast();
  const { route } = useLocation();
  const customer = useApi(() => api.get<CustomerDetailView>(`/customers/${encodeURIComponent(id)}`), [id]);
  const visits = useApi(() => api.get<VisitPage>('/visits', { personId: id, limit: 100 }), [id]);
  const [note, setNote] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const saveNote = useAction(async () => {
    await api.patch(`/customers/${encodeURIComponent(id)}`, { note: note ?? '' });
    toast(P.customer.noteSaved);
    setNote(null);
    customer.reload();
  });
  const staff = useApi(() => (can('staff.write') ? api.get<StaffList>('/staff') : Promise.resolve({ items: [] })));
  const [staffId, setStaffId] = useState('');
  // Enrol from a customer's crops: some samples (or the whole customer) turn out to be a staff member.
  const toStaff = useAction(async () => {
    const all = picked.size === 0 || picked.size === customer.data?.sampleList.length;
    const r = await api.post<EnrolSeenResult>(
      `/staff/${encodeURIComponent(staffId)}/enrol-seen`,
      all ? { customerIds: [id] } : { customerSamples: [{ customerId: id, sampleIds: [...picked] }] },
    );
    const failed = r.sources.find((s) => !s.ok);
    if (failed) throw new ApiError(409, 'conflict', failed.message);
    const name = staff.data?.items.find((s) => s.id === staffId)?.name ?? staffId;
    toast(P.customer.enrolled(name, r.sources.reduce((n, s) => n + s.added, 0)));
    setPicked(new Set());
    if (all) route(`/staff/${staffId}`);
    else customer.reload();
    return r;
  });
  const split = useAction(async () => {
    const c = await api.post<CustomerDetailView>(`/customers/${encodeURIComponent(id)}/split`, { sampleIds: [...picked] });
    toast(P.customer.splitDone(c.id));
    setPicked(new Set());
    route(`/customers/${c.id}`);
    return c;
  });
  return (
    <Page title={id} actions={<a href="/customers">{P.customer.back}</a>}>
      <Async resource={customer}>
        {(c) => (
          <>
            <Card title={P.customer.samplesTitle}>
              {can('customers.write') && <p class="muted small">{P.customer.splitHint}</p>}
              <FaceTiles
                tiles={c.sampleList.map((s, i) => ({
                  key: s.sampleId,
                  src: s.cropId ? apiUrl(`/crops/${encodeURIComponent(s.cropId)}`) : null,
                  alt: P.customer.sample(i + 1),
                  caption: <span class="small muted">{fmt.dateTime(s.createdAt)}</span>,
                }))}
                chosen={picked}
                onToggle={can('customers.write') ? (k) => setPicked(toggled(picked, k)) : undefined}
              />
              {can('customers.write') && (
                <>
                  <Button busy={split.busy} disabled={picked.size === 0 || picked.size === c.sampleList.length} onClick={() => void split.run()}>
                    {P.customer.split(picked.size)}
                  </Button>
                  <ErrorNote error={split.error} />
                </>
              )}
            </Card>
            {can('staff.write') && (
              <Card title={P.customer.toStaff}>
                <p class="muted small">{P.customer.toStaffHint}</p>
                <div class="filters">
                  <SelectField
                    label={P.customer.staffMember}
                    value={staffId}
                    onValue={setStaffId}
                    options={[{ value: '', label: P.customer.chooseStaff }, ...(staff.data?.items ?? []).map((s) => ({ value: s.id, label: s.name }))]}
                  />
                  <div class="form-actions">
                    <Button busy={toStaff.busy} disabled={!staffId} onClick={() => void toStaff.run()}>
                      {P.customer.enrolInto(picked.size === c.sampleList.length ? 0 : picked.size)}
                    </Button>
                  </div>
                </div>
                <ErrorNote error={toStaff.error} />
              </Card>
            )}
            {can('customers.write') && (
              <Card title={P.customers.note}>
                <Form onSubmit={() => void saveNote.run()} error={saveNote.error} label={P.customers.note}>
                  <div class="filters">
                    <TextField label={P.customers.note} value={note ?? c.note} onValue={setNote} maxLength={500} />
                    <div class="form-actions">
                      <Button type="submit" busy={saveNote.busy} disabled={note === null}>
                        {P.customer.noteSave}
                      </Button>
                    </div>
                  </div>
                </Form>
              </Card>
            )}
          </>
        )}
      </Async>
      <Card title={P.customer.visitsTitle}>
        <Async resource={visits} isEmpty={(d) => d.items.length === 0} empty={P.customer.noVisits}>
          {(d) => (
            <Table<Visit>
              caption={P.customer.visitsTitle}
              rows={d.items}
              rowKey={(v) => v.id}
              columns={[
                { key: 'arrived', label: P.customer.arrived, render: (v) => fmt.dateTime(v.arrivedAt) },
                { key: 'left', label: P.customer.left, render: (v) => fmt.dateTime(v.departedAt) },
                { key: 'dwell', label: P.customer.dwell, numeric: true, render: (v) => fmt.duration(v.dwellSeconds) },
                { key: 'cameras', label: P.customer.camera, render: (v) => v.cameras.join(', ') },
              ]}
            />
          )}
        </Async>
      </Card>
      {can('customers.write') && customer.data && (
        <Card title={P.customer.forget}>
          <ForgetPerson
            key={`forget-${customer.data.samples}`}
            personId={id}
            label={P.customer.forget}
            deletePath={`/customers/${encodeURIComponent(id)}`}
            onDone={() => {
              toast(P.customer.forgotten(id));
              route('/customers');
            }}
          />
        </Card>
      )}
    </Page>
  );
}
