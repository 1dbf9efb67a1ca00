import { Router } from 'express';
import { z } from 'zod';
import { requireAdmin, userOf, type UserPrincipal } from '../auth.js';
import type { Db } from '../db/types.js';
import { HttpError } from '../../../device/src/util/http-errors.js';
import { BalenaApiError, ReleaseNotFoundError, type BalenaFleet } from './balena-fleet.js';

/** A release is named by its full commit hash (balena's `commit`: 32 or 40 hex digits). */
const ReleaseBody = z.object({ release: z.string().regex(/^[0-9a-f]{32}([0-9a-f]{8})?$/, 'release: a full commit hash').nullable() });

/**
 * Fleet actions through balena, for organisation admins: restart a box's service, and pin a site's
 * boxes to a release (a staged rollout: a few shops first, then the rest) or let them follow the
 * fleet's release again (`release: null`).
 */
export function balenaRoutes(db: Db, fleet: BalenaFleet | null): Router {
  const r = Router();
  const needFleet = (): BalenaFleet => {
    if (!fleet) throw new HttpError(409, 'balena_not_configured', 'balena is not configured on this service (BALENA_API_KEY and BALENA_FLEET)');
    return fleet;
  };
  const viaBalena = async <T>(fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof ReleaseNotFoundError) throw new HttpError(404, 'release_not_found', e.message);
      if (e instanceof BalenaApiError) throw new HttpError(502, 'balena_unavailable', e.message);
      throw e;
    }
  };
  const admin = (res: Parameters<typeof userOf>[0]): UserPrincipal => {
    const u = userOf(res);
    requireAdmin(u);
    return u;
  };

  r.post('/api/devices/:deviceId/balena/restart', async (req, res) => {
    const u = admin(res);
    const f = needFleet();
    const d = await db.query<{ balena_uuid: string | null }>(
      'select balena_uuid from devices where id = $1 and site_id = any($2::text[]) and revoked_at is null',
      [String(req.params.deviceId), u.siteIds],
    );
    if (!d.rows.length) throw new HttpError(404, 'device_not_found', `device ${req.params.deviceId} not found`);
    const uuid = d.rows[0].balena_uuid;
    if (!uuid) throw new HttpError(409, 'not_on_balena', 'this device did not report a balena UUID (it does not run under balena)');
    await viaBalena(() => f.restart(uuid));
    res.status(202).json({ restarting: true, deviceId: req.params.deviceId, balenaUuid: uuid });
  });

  r.put('/api/sites/:siteId/balena/release', async (req, res) => {
    const u = admin(res);
    const siteId = String(req.params.siteId);
    if (!u.siteIds.includes(siteId)) throw new HttpError(404, 'site_not_found', `site ${siteId} not found`);
    const body = ReleaseBody.safeParse(req.body);
    if (!body.success) throw new HttpError(400, 'invalid_request', body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const f = needFleet();
    const rows = await db.query<{ balena_uuid: string }>(
      'select balena_uuid from devices where site_id = $1 and revoked_at is null and balena_uuid is not null order by balena_uuid',
      [siteId],
    );
    const uuids = rows.rows.map((x) => x.balena_uuid);
    await viaBalena(() => f.pin(uuids, body.data.release));
    res.json({ siteId, release: body.data.release, devices: uuids.length });
  });
  return r;
}
