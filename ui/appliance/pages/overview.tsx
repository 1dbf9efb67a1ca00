/** Overview: who is in the shop now, today's figures, a live tile per camera and the arrivals feed. */
import { api } from '../../kit/api.js';
import { Async, Empty } from '../../kit/components/feedback.js';
import { Badge, Card, Page, Stat } from '../../kit/components/layout.js';
import { CropImage, LiveImage } from '../../kit/components/images.js';
import { useApi, useInterval } from '../../kit/hooks.js';
import { useCan } from '../../kit/session.js';
import { fmt } from '../../kit/strings.js';
import type { CameraList, LocalReport, VisitPage } from '../../kit/contracts.js';
import { feedEntryOf, useLiveShop, type FeedEntry } from '../live-feed.js';
import { startOfLocalDay } from '../dates.js';
import { countsPersons, FootfallTile } from '../footfall.js';
import { S } from '../strings.js';

export default function Overview() {
  const can = useCan();
  const cameras = useApi(() => api.get<CameraList>('/cameras'));
  const today = useApi(() => api.get<LocalReport>('/reports/local', { from: startOfLocalDay(0).toISOString(), to: new Date(Date.now() + 60_000).toISOString() }));
  const recent = useApi(() => api.get<VisitPage>('/visits', { limit: 10 }));
  useInterval(today.reload, 60_000);
  const ids = cameras.data?.items.map((c) => c.config.id) ?? [];
  const live = useLiveShop(ids, recent.data?.items.map(feedEntryOf) ?? []);
  const r = today.data;
  return (
    <Page title={S.overview.title} actions={<Badge kind={live.state === 'open' ? 'ok' : 'warn'}>{live.state === 'open' ? S.overview.live : S.overview.reconnecting}</Badge>}>
      <div class="stats" aria-live="polite">
        <Stat label={S.overview.inShop} value={fmt.number(live.counts?.inShopNow)} />
        <Stat label={S.overview.staffPresent} value={fmt.number(live.counts?.staffInShopNow)} />
        <Stat label={S.overview.visitsToday} value={fmt.number(live.counts?.visitsToday ?? r?.customers.visits)} />
        <Stat label={S.overview.newToday} value={fmt.number(r?.customers.newVisits)} />
        <Stat label={S.overview.returningToday} value={fmt.number(r?.customers.returningVisits)} />
        <Stat label={S.overview.medianDwell} value={fmt.duration(r?.dwell.medianSeconds)} />
      </div>
      {countsPersons(cameras.data) && <FootfallTile />}
      <div class="overview-grid">
        <Card title={S.overview.cameras}>
          <Async
            resource={cameras}
            isEmpty={(d) => d.items.length === 0}
            empty={
              <>
                {S.overview.noCameras} {can('cameras.write') && <a href="/cameras">{S.overview.addCamera}</a>}
              </>
            }
          >
            {(d) => (
              <div class="grid">
                {d.items.map((c) => (
                  <div key={c.config.id}>
                    <div class="row" style={{ justifyContent: 'space-between' }}>
                      <a href={`/cameras/${c.config.id}`}>{c.config.name}</a>
                      <CameraState state={live.cameraStatus[c.config.id]?.state ?? c.stats?.state ?? 'stopped'} />
                    </div>
                    {c.config.enabled && <LiveImage cameraId={c.config.id} alt={S.overview.liveOf(c.config.name)} fps={2} unavailable={S.overview.liveUnavailable} />}
                  </div>
                ))}
              </div>
            )}
          </Async>
        </Card>
        <Card title={S.overview.feed}>
          <Feed entries={live.feed} />
        </Card>
      </div>
    </Page>
  );
}

export function CameraState({ state }: { state: string }) {
  const kind = state === 'running' ? 'ok' : state === 'error' ? 'danger' : state === 'stopped' ? undefined : 'warn';
  return <Badge kind={kind}>{S.cameras.states[state] ?? state}</Badge>;
}

/** Staff and customers by their id; an unidentified visitor's id is a track id, which tells staff nothing. */
function feedName(visit: FeedEntry['visit']): string {
  if (visit.kind === 'staff') return `${S.overview.staffMember} ${visit.personId}`;
  return visit.kind === 'unidentified' ? S.overview.unidentifiedVisitor : visit.personId;
}

function Feed({ entries }: { entries: FeedEntry[] }) {
  if (entries.length === 0) return <Empty>{S.overview.feedEmpty}</Empty>;
  return (
    // Focusable: once arrivals overflow it scrolls, and keyboard users must be able to scroll it.
    <ul class="feed" aria-label={S.overview.feed} tabIndex={0}>
      {entries.map((e) => (
        <li key={e.key}>
          <CropImage cropId={e.visit.bestCropId} alt={e.visit.personId} />
          <div>
            <div>
              <strong>{feedName(e.visit)}</strong>{' '}
              {e.type === 'new' ? S.overview.arrived : S.overview.left(fmt.duration(e.visit.dwellSeconds))}
            </div>
            <div class="small muted">
              {fmt.time(e.at)}
              {e.visit.kind === 'customer' && ` · ${S.overview.visitNo(e.visit.visitNumber)}`}
            </div>
          </div>
        </li>
      ))}
    </ul>
  );
}
