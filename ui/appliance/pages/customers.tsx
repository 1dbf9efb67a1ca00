/** Customers: a gallery of anonymous returning customers (best crop, visits, first and last seen, note); merge; find by photo. */
import { useState } from 'preact/hooks';
import { useLocation } from 'preact-iso';
import { api, apiUrl } from '../../kit/api.js';
import { Async, ErrorNote, Note, useToast } from '../../kit/components/feedback.js';
import { Button, SelectField } from '../../kit/components/forms.js';
import { Card, Page } from '../../kit/components/layout.js';
import { Pager } from '../../kit/components/table.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { CustomerPage, CustomerView, MergeResult } from '../../kit/contracts.js';
import { FaceTiles, toggled } from '../people/face-tiles.js';
import { RecognisePhoto } from '../people/recognise-photo.js';
import { P } from '../people/strings.js';
import '../people/people.css';

const PAGE_SIZE = 48;

function caption(c: CustomerView) {
  return (
    <span class="small">
      <a href={`/customers/${c.id}`}>
        <strong>{c.id}</strong>
      </a>
      {c.visits !== null && <> · {P.customers.visits(c.visits)}</>}
      <br />
      <span class="muted">
        {P.customers.firstSeen} {fmt.dateTime(c.createdAt)}
        <br />
        {P.customers.lastSeen} {fmt.dateTime(c.lastSeenAt)}
      </span>
      {c.note && (
        <>
          <br />
          {c.note}
        </>
      )}
    </span>
  );
}

export default function Customers() {
  const can = useCan();
  const toast = useToast();
  const { route } = useLocation();
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useApi(() => api.get<CustomerPage>('/customers', { limit: PAGE_SIZE, cursor }), [cursor]);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [target, setTarget] = useState('');
  const [notFound, setNotFound] = useState(false);
  const into = target && picked.has(target) ? target : [...picked][0] ?? '';
  const merge = useAction(async () => {
    const from = [...picked].filter((x) => x !== into);
    const r = await api.post<MergeResult>(`/customers/${encodeURIComponent(into)}/merge`, { from });
    toast(P.customers.merged(r.target, r.merged.length));
    setPicked(new Set());
    page.reload();
    return r;
  });
  return (
    <Page title={P.customers.title}>
      <p class="muted">{P.customers.intro}</p>
      <Card title={P.customers.findByPhoto}>
        <RecognisePhoto
          label={P.customers.findHint}
          onResult={(r) => {
            const hit = r.faces.find((f) => f.personId);
            setNotFound(!hit);
            if (hit) route(hit.kind === 'staff' ? `/staff/${hit.personId}` : `/customers/${hit.personId}`);
          }}
          render={() => (notFound ? <Note kind="warn">{P.customers.notFound}</Note> : null)}
        />
      </Card>
      {can('customers.write') && picked.size > 1 && (
        <Card>
          <div class="filters">
            <SelectField label={P.customers.mergeInto} value={into} onValue={setTarget} options={[...picked].map((x) => ({ value: x, label: x }))} />
            <div class="form-actions">
              <Button kind="primary" busy={merge.busy} onClick={() => void merge.run()}>
                {P.customers.merge(picked.size)}
              </Button>
            </div>
          </div>
          <ErrorNote error={merge.error} />
        </Card>
      )}
      <Card>
        <Async resource={page} isEmpty={(d) => d.items.length === 0 && cursors.length === 1} empty={P.customers.empty}>
          {(d) => (
            <>
              <FaceTiles
                tiles={d.items.map((c) => ({
                  key: c.id,
                  src: c.photoCropId ? apiUrl(`/crops/${encodeURIComponent(c.photoCropId)}`) : null,
                  alt: P.customers.faceOf(c.id),
                  caption: caption(c),
                }))}
                chosen={picked}
                onToggle={can('customers.write') ? (k) => setPicked(toggled(picked, k)) : undefined}
                chooseLabel={(t) => P.customers.select(t.key)}
                wide
              />
              <Pager
                page={cursors.length}
                hasNext={!!d.nextCursor}
                onPrev={() => setCursors(cursors.slice(0, -1))}
                onNext={() => d.nextCursor && setCursors([...cursors, d.nextCursor])}
              />
            </>
          )}
        </Async>
      </Card>
    </Page>
  );
}
