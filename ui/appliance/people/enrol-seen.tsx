/** Enrol from faces the box already saw: review items and customers that are really this staff member. */
import { useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { Async, ErrorNote, Note } from '../../kit/components/feedback.js';
import { Button } from '../../kit/components/forms.js';
import { Card } from '../../kit/components/layout.js';
import { useAction, useApi } from '../../kit/hooks.js';
import type { CustomerPage, ReviewList } from '../../kit/contracts.js';
import type { EnrolSeenResult } from './contracts.js';
import { FaceTiles, toggled } from './face-tiles.js';
import { P } from './strings.js';

const crop = (id: string | null) => (id ? apiUrl(`/crops/${encodeURIComponent(id)}`) : null);

export function EnrolSeen({ staffId, onEnrolled }: { staffId: string; onEnrolled: () => void }) {
  const seen = useApi(async () => ({
    // Items that already name this staff member as a candidate come first.
    review: (await api.get<ReviewList>('/review')).items.sort((a, b) => Number(b.candidates.some((c) => c.personId === staffId)) - Number(a.candidates.some((c) => c.personId === staffId))),
    customers: (await api.get<CustomerPage>('/customers', { limit: 60 })).items,
  }));
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<EnrolSeenResult | null>(null);
  const enrol = useAction(async () => {
    const ids = [...picked];
    const r = await api.post<EnrolSeenResult>(`/staff/${encodeURIComponent(staffId)}/enrol-seen`, {
      reviewIds: ids.filter((k) => k.startsWith('R-')),
      customerIds: ids.filter((k) => k.startsWith('C-')),
    });
    setResult(r);
    setPicked(new Set());
    seen.reload();
    onEnrolled();
    return r;
  });
  return (
    <Card title={P.seen.title}>
      <p class="muted small">{P.seen.intro}</p>
      <Async resource={seen} isEmpty={(d) => d.review.length + d.customers.length === 0} empty={P.seen.none}>
        {(d) => (
          <>
            {d.review.length > 0 && (
              <>
                <h3>{P.seen.reviewItems}</h3>
                <FaceTiles
                  tiles={d.review.map((r) => ({ key: r.id, src: crop(r.cropId), alt: r.id, caption: <span class="small">{r.id}</span> }))}
                  chosen={picked}
                  onToggle={(k) => setPicked(toggled(picked, k))}
                  chooseLabel={(t) => P.seen.pick(t.alt)}
                />
              </>
            )}
            {d.customers.length > 0 && (
              <>
                <h3>{P.seen.customers}</h3>
                <FaceTiles
                  tiles={d.customers.map((c) => ({ key: c.id, src: crop(c.photoCropId), alt: c.id, caption: <span class="small">{c.id}</span> }))}
                  chosen={picked}
                  onToggle={(k) => setPicked(toggled(picked, k))}
                  chooseLabel={(t) => P.seen.pick(t.alt)}
                />
              </>
            )}
          </>
        )}
      </Async>
      <ErrorNote error={enrol.error} />
      {result && (
        <Note kind={result.sources.every((s) => s.ok) ? 'ok' : 'warn'}>
          {P.seen.result(result.samples)}
          <ul class="preview-list">
            {result.sources.map((s) => (
              <li key={s.id}>{`${s.id}: ${s.message}`}</li>
            ))}
          </ul>
        </Note>
      )}
      <Button kind="primary" busy={enrol.busy} disabled={picked.size === 0} onClick={() => void enrol.run()}>
        {P.seen.enrol(picked.size)}
      </Button>
    </Card>
  );
}
