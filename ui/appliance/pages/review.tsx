/**
 * Review: uncertain faces grouped by the person they probably are (alike unknown faces together), the suggested
 * person's thumbnail and score, one action for a whole group; keyboard: J/K move between groups, A assign,
 * N not this person, D dismiss.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, apiUrl } from '../../kit/api.js';
import { Async, ErrorNote, useToast } from '../../kit/components/feedback.js';
import { Button, SelectField } from '../../kit/components/forms.js';
import { Badge, Page } from '../../kit/components/layout.js';
import { CropImage } from '../../kit/components/images.js';
import { useAction, useApi } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { StaffList } from '../../kit/contracts.js';
import type { ReviewBatchRequest, ReviewBatchResult, ReviewGroup, ReviewGroupList } from '../people/contracts.js';
import { P } from '../people/strings.js';
import '../people/people.css';

type Act = ReviewBatchRequest['action'];

function GroupCard({ group, current, canAct, staff, onAct, busy, focusRef, onFocus }: {
  group: ReviewGroup;
  current: boolean;
  canAct: boolean;
  staff: Array<{ id: string; name: string }>;
  onAct: (action: Act, personId?: string) => void;
  busy: boolean;
  focusRef: (el: HTMLElement | null) => void;
  onFocus: () => void;
}) {
  const [chosen, setChosen] = useState('');
  const person = group.person;
  const label = person ? `${P.review.suggested} ${P.review.person(person)}` : P.review.unknownGroup;
  return (
    <section
      ref={focusRef}
      class={current ? 'card review-group current' : 'card review-group'}
      tabIndex={0}
      aria-label={`${label}, ${P.review.items(group.items.length)}`}
      onFocus={onFocus}
    >
      <div class="person-line">
        {person ? <CropImage cropId={person.cropId} alt={P.review.person(person)} size={56} /> : null}
        <div>
          <h2>{label}</h2>
          <span class="small muted">
            {P.review.items(group.items.length)}
            {group.score !== null && <> · {P.review.score(group.score)}</>}
            {group.runnerUp && <> · {P.review.alsoLike(P.review.person(group.runnerUp))}</>}
            {' · '}
            {fmt.dateTime(group.firstAt)} – {fmt.time(group.lastAt)}
          </span>
        </div>
        {person && <Badge>{person.kind}</Badge>}
      </div>
      <div class="review-faces">
        {group.items.slice(0, 24).map((i, n) =>
          i.cropId ? <img key={i.id} src={apiUrl(`/crops/${encodeURIComponent(i.cropId)}`)} alt={`${P.review.face(n + 1)} (${P.review.camera(i.cameraId)})`} loading="lazy" /> : <span key={i.id} class="thumb" role="img" aria-label={P.review.face(n + 1)} />,
        )}
      </div>
      {canAct && (
        <div class="row">
          {person ? (
            <Button kind="primary" busy={busy} onClick={() => onAct('assign', person.id)}>
              {P.review.assign}
            </Button>
          ) : (
            <>
              <SelectField label={P.review.assignTo} value={chosen} onValue={setChosen} options={[{ value: '', label: P.review.choosePerson }, ...staff.map((s) => ({ value: s.id, label: `${s.name} (${s.id})` }))]} />
              <Button kind="primary" busy={busy} disabled={!chosen} onClick={() => onAct('assign', chosen)}>
                {P.review.assignChosen}
              </Button>
            </>
          )}
          {person && (
            <Button busy={busy} onClick={() => onAct('not-this-person', person.id)}>
              {P.review.notThis}
            </Button>
          )}
          <Button busy={busy} onClick={() => onAct('dismiss')}>
            {P.review.dismiss}
          </Button>
        </div>
      )}
    </section>
  );
}

export default function Review() {
  const can = useCan();
  const toast = useToast();
  const groups = useApi(() => api.get<ReviewGroupList>('/review/groups'));
  const staff = useApi(() => api.get<StaffList>('/staff'));
  const [current, setCurrent] = useState(0);
  const cards = useRef<Array<HTMLElement | null>>([]);
  const act = useAction(async (group: ReviewGroup, action: Act, personId?: string) => {
    const itemIds = group.items.map((i) => i.id);
    const body: ReviewBatchRequest = action === 'dismiss' ? { action, itemIds } : action === 'assign' ? { action, itemIds, personId: personId! } : { action, itemIds, personId };
    const r = await api.post<ReviewBatchResult>('/review/batch', body);
    toast(P.review.done(r.done.length, P.review.actions[action]) + (r.failed.length ? ` ${P.review.failed(r.failed.length)}` : ''), r.failed.length ? 'info' : 'ok');
    groups.reload();
    return r;
  });
  const list = groups.data?.groups ?? [];
  const canAct = can('review.act');

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (!list.length || e.ctrlKey || e.metaKey || e.altKey || (target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
      const key = e.key.toLowerCase();
      const move = (to: number) => {
        const i = Math.max(0, Math.min(list.length - 1, to));
        setCurrent(i);
        cards.current[i]?.focus();
      };
      const g = list[Math.min(current, list.length - 1)];
      if (key === 'j') move(current + 1);
      else if (key === 'k') move(current - 1);
      else if (!canAct || act.busy) return;
      else if (key === 'a' && g.person) void act.run(g, 'assign', g.person.id);
      else if (key === 'n' && g.person) void act.run(g, 'not-this-person', g.person.id);
      else if (key === 'd') void act.run(g, 'dismiss');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [list, current, canAct, act.busy]);

  return (
    <Page title={P.review.title}>
      <p class="muted">{P.review.intro}</p>
      <p class="small muted">{P.review.shortcuts}</p>
      <ErrorNote error={act.error} />
      <Async resource={groups} isEmpty={(d) => d.groups.length === 0} empty={P.review.empty}>
        {(d) => (
          <>
            <p class="small" role="status">
              {P.review.total(d.totalItems, d.groups.length)}
            </p>
            {d.groups.map((g, i) => (
              <GroupCard
                key={g.key}
                group={g}
                current={i === current}
                canAct={canAct}
                staff={staff.data?.items ?? []}
                busy={act.busy}
                onAct={(action, personId) => void act.run(g, action, personId)}
                focusRef={(el) => (cards.current[i] = el)}
                onFocus={() => setCurrent(i)}
              />
            ))}
          </>
        )}
      </Async>
    </Page>
  );
}
