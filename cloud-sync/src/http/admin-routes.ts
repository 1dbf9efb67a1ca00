import { Router, type Request } from 'express';
import type { Db } from '../db/types.js';
import { createClaimCode, createSite, createUser, listSites, revokeDevice, revokeUser } from '../admin.js';
import { requireAdmin, userOf, type UserPrincipal } from '../auth.js';

/** Organisation management; mounted after user authentication; writes need the org_admin role. */
export function adminRoutes(db: Db): Router {
  const r = Router();
  /** An org-admin-only POST answering 201 with what `fn` returns (204 when it returns nothing). */
  const adminPost = (path: string, fn: (u: UserPrincipal, req: Request) => Promise<unknown>) =>
    r.post(path, async (req, res) => {
      const u = userOf(res);
      requireAdmin(u);
      const out = await fn(u, req);
      if (out === undefined) res.status(204).end();
      else res.status(201).json(out);
    });
  r.get('/api/me', (_req, res) => {
    const u = userOf(res);
    res.json({ id: u.id, orgId: u.orgId, email: u.email, role: u.role, siteIds: u.siteIds });
  });
  r.get('/api/sites', async (_req, res) => {
    res.json({ sites: await listSites(db, userOf(res)) });
  });
  adminPost('/api/sites', (u, req) => createSite(db, u, req.body));
  adminPost('/api/sites/:siteId/claim-codes', (u, req) => createClaimCode(db, u, String(req.params.siteId), req.body));
  adminPost('/api/users', (u, req) => createUser(db, u, req.body));
  adminPost('/api/users/:userId/revoke', (u, req) => revokeUser(db, u, String(req.params.userId)));
  adminPost('/api/devices/:deviceId/revoke', (u, req) => revokeDevice(db, u, String(req.params.deviceId)));
  return r;
}
