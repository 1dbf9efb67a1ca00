import { Router } from 'express';
import type { Db } from '../db/types.js';
import { createClaimCode, createSite, createUser, listSites, revokeDevice } from '../admin.js';
import { requireAdmin, userOf } from '../auth.js';

/** Organisation management; mounted after user authentication; writes need the org_admin role. */
export function adminRoutes(db: Db): Router {
  const r = Router();
  r.get('/api/me', (_req, res) => {
    const u = userOf(res);
    res.json({ id: u.id, orgId: u.orgId, email: u.email, role: u.role, siteIds: u.siteIds });
  });
  r.get('/api/sites', async (_req, res) => {
    res.json({ sites: await listSites(db, userOf(res)) });
  });
  r.post('/api/sites', async (req, res) => {
    const u = userOf(res);
    requireAdmin(u);
    res.status(201).json(await createSite(db, u, req.body));
  });
  r.post('/api/sites/:siteId/claim-codes', async (req, res) => {
    const u = userOf(res);
    requireAdmin(u);
    res.status(201).json(await createClaimCode(db, u, req.params.siteId, req.body));
  });
  r.post('/api/users', async (req, res) => {
    const u = userOf(res);
    requireAdmin(u);
    res.status(201).json(await createUser(db, u, req.body));
  });
  r.post('/api/devices/:deviceId/revoke', async (req, res) => {
    const u = userOf(res);
    requireAdmin(u);
    await revokeDevice(db, u, req.params.deviceId);
    res.status(204).end();
  });
  return r;
}
