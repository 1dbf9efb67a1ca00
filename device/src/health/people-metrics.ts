import type { Counts, FaceEvent } from '../contracts/live.js';
import type { VisitEvent } from '../contracts/visit.js';
import type { EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import type { MetricFamily } from './prometheus.js';

/**
 * People and visit figures for `/metrics`, heard on the event bus: people in the shop now and visits today
 * (the retained counts), identity decisions by kind, visits opened and closed since start.
 */
export class PeopleMetrics implements Feature {
  readonly name = 'people-metrics';
  private counts: Counts | null = null;
  private readonly decisions = new Map<string, number>();
  private readonly visits = { opened: 0, closed: 0 };
  private readonly onCounts = (c: Counts) => void (this.counts = c);
  private readonly onFace = (f: FaceEvent) => {
    const kind = f.personId === null ? 'undecided' : f.kind;
    this.decisions.set(kind, (this.decisions.get(kind) ?? 0) + 1);
  };
  private readonly onVisit = (e: VisitEvent) => {
    if (e.type === 'new') this.visits.opened++;
    if (e.type === 'end') this.visits.closed++;
  };

  constructor(private readonly bus: EventBus) {}

  async start(): Promise<void> {
    this.bus.on('counts', this.onCounts);
    this.bus.on('face', this.onFace);
    this.bus.on('visit', this.onVisit);
  }

  async stop(): Promise<void> {
    this.bus.off('counts', this.onCounts);
    this.bus.off('face', this.onFace);
    this.bus.off('visit', this.onVisit);
  }

  families(): MetricFamily[] {
    const c = this.counts;
    const gauge = (name: string, help: string, v: number | undefined): MetricFamily => ({ name, help, type: 'gauge', samples: v === undefined ? [] : [{ value: v }] });
    return [
      gauge('cva_people_in_shop', 'Visitors (customers and unidentified, not staff) with an open visit now', c?.inShopNow),
      gauge('cva_staff_in_shop', 'Staff with an open visit now', c?.staffInShopNow),
      gauge('cva_visits_today', 'Customer visits that started today (site timezone)', c?.visitsToday),
      {
        name: 'cva_identity_decisions_total',
        help: 'Faces the pipeline decided, by outcome (staff, customer, unknown, undecided)',
        type: 'counter',
        samples: [...this.decisions].map(([kind, value]) => ({ labels: { kind }, value })),
      },
      { name: 'cva_visits_opened_total', help: 'Visits opened since start', type: 'counter', samples: [{ value: this.visits.opened }] },
      { name: 'cva_visits_closed_total', help: 'Visits closed since start', type: 'counter', samples: [{ value: this.visits.closed }] },
    ];
  }
}
