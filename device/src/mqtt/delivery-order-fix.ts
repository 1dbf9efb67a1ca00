import type { Client } from 'aedes';

/**
 * aedes drops a message for a subscriber when a message with a higher broker counter reached that
 * subscriber first (its per-client `dedupe`, meant for clustered brokers). QoS 1 publishes take an
 * extra asynchronous persistence step, so a QoS 0 message published just after a QoS 1 one
 * overtakes it and the QoS 1 message is silently lost (moscajs/aedes#994, #955; reproduced here with
 * a visit event followed by a face event). This broker is single-process, so the only duplicates to
 * suppress are the copies of one message matched by overlapping subscriptions: we keep aedes'
 * check for that exact case (same broker id and counter) and let out-of-order messages through.
 *
 * Patches the instance's delivery functions; must run right after `aedes.handle()`, before the
 * client subscribes (subscriptions capture these functions).
 */
type Deliver = (packet: { brokerId?: string | null; brokerCounter?: number; qos?: number }, done: () => void) => void;
interface DeliveringClient {
  duplicates: Record<string, number>;
  deliver0: Deliver;
  deliverQoS: Deliver;
}

const WINDOW = 4096;

export function deliverOutOfOrderMessages(client: Client): void {
  const c = client as unknown as DeliveringClient;
  const seen = new Set<string>();
  const admit: (p: Parameters<Deliver>[0]) => boolean = (p) => {
    if (!p.brokerId || p.brokerCounter === undefined) return true;
    const key = `${p.brokerId}:${p.brokerCounter}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > WINDOW) seen.delete(seen.values().next().value as string);
    // Lower aedes' high-water mark just below this message so its own check admits it.
    c.duplicates[p.brokerId] = p.brokerCounter - 1;
    return true;
  };
  const deliver0 = c.deliver0;
  const deliverQoS = c.deliverQoS;
  c.deliver0 = (p, done) => (admit(p) ? deliver0(p, done) : setImmediate(done));
  // aedes routes QoS 0 packets from deliverQoS through deliver0; admit them there only once.
  c.deliverQoS = (p, done) => (p.qos === 0 ? c.deliver0(p, done) : admit(p) ? deliverQoS(p, done) : setImmediate(done));
}
