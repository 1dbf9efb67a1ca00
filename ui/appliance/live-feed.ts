/**
 * The live state of the shop from the event stream (/api/v1/events, mirroring MQTT): the latest counts,
 * each camera's status and the recent arrivals and departures, newest first, capped so a page left open
 * all day stays small.
 */
import { useState } from 'preact/hooks';
import { apiUrl } from '../kit/api.js';
import { useEventSource, type StreamState } from '../kit/hooks.js';
import type { CameraStats, Counts, Visit, VisitEvent } from '../kit/contracts.js';

export const FEED_LIMIT = 30;

export interface FeedEntry {
  key: string;
  type: 'new' | 'end';
  at: string;
  visit: Visit;
}

export interface LiveShop {
  counts: Counts | null;
  feed: FeedEntry[];
  cameraStatus: Record<string, CameraStats>;
  state: StreamState;
}

export function feedEntryOf(visit: Visit): FeedEntry {
  const ended = visit.status === 'closed';
  return { key: `${visit.id}-${ended ? 'end' : 'new'}`, type: ended ? 'end' : 'new', at: (ended ? visit.departedAt : visit.arrivedAt) ?? visit.lastSeenAt, visit };
}

export function useLiveShop(cameraIds: readonly string[], initial: FeedEntry[]): LiveShop {
  const [counts, setCounts] = useState<Counts | null>(null);
  const [extra, setExtra] = useState<FeedEntry[]>([]);
  const [cameraStatus, setCameraStatus] = useState<Record<string, CameraStats>>({});
  const handlers: Record<string, (d: unknown) => void> = {
    counts: (d) => setCounts(d as Counts),
    visits: (d) => {
      const e = d as VisitEvent;
      if (e.type === 'update') return;
      const entry: FeedEntry = { key: `${e.after.id}-${e.type}`, type: e.type, at: e.at, visit: e.after };
      setExtra((f) => [entry, ...f.filter((x) => x.key !== entry.key)].slice(0, FEED_LIMIT));
    },
  };
  for (const id of cameraIds) handlers[`cameras/${id}/status`] = (d) => setCameraStatus((s) => ({ ...s, [id]: d as CameraStats }));
  const state = useEventSource(apiUrl('/events'), handlers);
  const seen = new Set(extra.map((e) => e.key));
  const feed = [...extra, ...initial.filter((e) => !seen.has(e.key))].slice(0, FEED_LIMIT);
  return { counts, feed, cameraStatus, state };
}
