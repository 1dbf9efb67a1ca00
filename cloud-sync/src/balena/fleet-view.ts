import type { Db } from '../db/types.js';
import type { FleetDevice } from '../fleet.js';
import type { BalenaDeviceView, BalenaFleet } from './balena-fleet.js';

/** What a fleet row adds: the box's own report (update lock, supervisor view) and balena's API view. */
export interface BalenaColumns {
  /** From the newest heartbeat: is the box holding updates back, and why. */
  updateLock: unknown;
  /** From the newest heartbeat: the supervisor's view on the box (device name, release, update status). */
  supervisor: unknown;
  /** balena's view through balena-sdk, joined on the balena UUID the box reports; null without one. */
  balena: BalenaDeviceView | null;
}

export interface BalenaSummary {
  configured: boolean;
  fleet: string | null;
  /** The balena API failed: rows carry the heartbeat view only, and this says why. */
  error: string | null;
}

/**
 * Adds balena's view to the fleet rows. Without BALENA_API_KEY/BALENA_FLEET, or when the balena API
 * fails, the rows stay as heartbeats made them (`balena: null`) and the summary says why.
 */
export async function withBalenaView(db: Db, fleet: BalenaFleet | null, devices: FleetDevice[]): Promise<{ devices: Array<FleetDevice & BalenaColumns>; balena: BalenaSummary }> {
  const reported = await db.query<{ id: string; update_lock: unknown; supervisor: unknown }>(
    `select id, last_heartbeat->'updateLock' as update_lock, last_heartbeat->'balena' as supervisor from devices where id = any($1::text[])`,
    [devices.map((d) => d.deviceId)],
  );
  const byId = new Map(reported.rows.map((r) => [r.id, r]));
  let views = new Map<string, BalenaDeviceView>();
  let error: string | null = null;
  if (fleet) {
    try {
      views = await fleet.devices();
    } catch (e) {
      error = (e as Error).message;
    }
  }
  return {
    devices: devices.map((d) => ({
      ...d,
      updateLock: byId.get(d.deviceId)?.update_lock ?? null,
      supervisor: byId.get(d.deviceId)?.supervisor ?? null,
      balena: d.balenaUuid ? (views.get(d.balenaUuid) ?? null) : null,
    })),
    balena: { configured: fleet !== null, fleet: fleet?.config.fleet ?? null, error },
  };
}
