import type { Visit } from '../contracts/visit.js';
import type { DayLog, Page } from '../store/day-log.js';
import { decodeCursor } from '../store/day-log.js';
import { err, ok, type Result } from '../util/result.js';
import { buildVisitReport, type VisitReport } from './reports.js';
import { visitsCsv } from './visit-csv.js';
import { parseVisitFilter, timeBounds, visitPredicate, type VisitFilterParams } from './visit-filter.js';

export interface VisitQueryDeps {
  visits: DayLog<Visit>;
  /** Open visits as the tracker holds them right now (fresher than their last throttled write). */
  live?: () => readonly Visit[];
  timezone: () => string;
  /**
   * First and latest arrival of a person (PersonStats.span): a `personId` filter then reads only the
   * day files in between instead of the whole history.
   */
  personSpan?: (personId: string) => Promise<{ first: number; last: number } | null> | { first: number; last: number } | null;
}

const DAY_MS = 86_400_000;

/**
 * Read side of visits for the HTTP API: filtered cursor pages, a streamed CSV export and local
 * reports, all computed from the stored rows. Inputs are raw query objects; problems come back
 * as `{ ok: false, error }` values.
 */
export class VisitQuery {
  constructor(private readonly deps: VisitQueryDeps) {}

  async page(query: unknown): Promise<Result<Page<Visit>, string>> {
    const q = parseVisitFilter(query);
    if (!q.ok) return q;
    let cursor;
    if (q.value.cursor) {
      const c = decodeCursor(q.value.cursor);
      if (!c.ok) return err(`cursor: ${c.error.message}`);
      cursor = c.value;
    }
    const overlay = this.overlay();
    const keep = visitPredicate(q.value);
    const page = await this.deps.visits.page({ ...(await this.bounds(q.value)), limit: q.value.limit, cursor, filter: (v) => keep(overlay(v)) });
    return ok({ ...page, items: page.items.map(overlay) });
  }

  /** CSV of every matching visit (no paging), newest first, as a stream of text chunks. */
  csv(query: unknown): Result<AsyncGenerator<string>, string> {
    const q = parseVisitFilter(query);
    if (!q.ok) return q;
    return ok(visitsCsv(this.rows(q.value)));
  }

  /** Local report over [from, to) (default: the last 7 days) in the site timezone. */
  async report(query: unknown, now = Date.now()): Promise<Result<VisitReport, string>> {
    const q = parseVisitFilter(query);
    if (!q.ok) return q;
    const to = q.value.to ? Date.parse(q.value.to) : now;
    const from = q.value.from ? Date.parse(q.value.from) : to - 7 * DAY_MS;
    if (to - from > 400 * DAY_MS) return err('to: reports cover at most 400 days');
    return ok(await buildVisitReport(this.rows({ ...q.value, from: new Date(from).toISOString(), to: new Date(to).toISOString() }), { from, to, timezone: this.deps.timezone() }));
  }

  private async *rows(q: VisitFilterParams): AsyncGenerator<Visit> {
    const keep = visitPredicate(q);
    const overlay = this.overlay();
    for await (const stored of this.deps.visits.scan(await this.bounds(q))) {
      const v = overlay(stored);
      if (keep(v)) yield v;
    }
  }

  /** The query's arrival bounds, narrowed to the person's known span when filtering by person. */
  private async bounds(q: VisitFilterParams): Promise<{ from?: number; to?: number }> {
    const b = timeBounds(q);
    const span = q.personId ? await this.deps.personSpan?.(q.personId) : null;
    if (!span) return b;
    return { from: Math.max(b.from ?? -Infinity, span.first), to: Math.min(b.to ?? Infinity, span.last + 1) };
  }

  private overlay(): (v: Visit) => Visit {
    const live = new Map((this.deps.live?.() ?? []).map((v) => [v.id, v]));
    return (v) => live.get(v.id) ?? v;
  }
}
