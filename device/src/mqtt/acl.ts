import { filterWithinTree, topicMatches } from './topic-filter.js';
import type { MqttPrincipal } from './accounts.js';

/**
 * Who may publish and subscribe where. Admins read everything and write the request topics plus
 * their grants; integrations read the base tree (and the Home Assistant discovery tree) and write
 * only where granted. The appliance's own publishes never pass through here.
 */
export interface AclOptions {
  baseTopic: string;
  /** Extra trees integrations may read, e.g. Home Assistant's `homeassistant`. */
  readableRoots?: readonly string[];
}

export class TopicAcl {
  private readable: readonly string[];
  private readonly adminWrites: readonly string[];

  constructor(private readonly opts: AclOptions) {
    this.readable = [opts.baseTopic, ...(opts.readableRoots ?? [])];
    this.adminWrites = [`${opts.baseTopic}/bridge/request/#`];
  }

  canPublish(who: MqttPrincipal, topic: string): boolean {
    if (topic.startsWith('$')) return false;
    // The box's own tree (events, states, counts, responses) is published by the box alone, whatever a
    // grant says: a `#` grant must not let anyone fake a retained count or state. Requests are the way in.
    if (this.ownedByBox(topic)) return this.adminWrites.some((g) => topicMatches(g, topic)) && (who.role === 'admin' || who.canWrite.some((g) => topicMatches(g, topic)));
    const grants = who.role === 'admin' ? [...this.adminWrites, ...who.canWrite] : who.canWrite;
    return grants.some((g) => topicMatches(g, topic));
  }

  /** Extra readable trees changed (Home Assistant discovery switched on or off). */
  setReadableRoots(roots: readonly string[]): void {
    this.readable = [this.opts.baseTopic, ...roots];
  }

  private ownedByBox(topic: string): boolean {
    return topic === this.opts.baseTopic || topicMatches(`${this.opts.baseTopic}/#`, topic);
  }

  canSubscribe(who: MqttPrincipal, filter: string): boolean {
    if (who.role === 'admin') return true;
    return this.readable.some((root) => filterWithinTree(filter, root));
  }
}
