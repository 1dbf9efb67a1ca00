import { Router, type Request } from 'express';
import type { Db } from '../db/types.js';
import { createClaimCode, createSite, listSites, revokeDevice, revokeUser } from '../admin.js';
import { requireAdmin, userOf, type UserPrincipal } from '../auth.js';
import { invitePerson, listPeople, reissueInvite, setDisabled, updatePerson } from '../people/people.js';
import { listClaimCodes, revokeClaimCode, updateSite } from '../sites.js';

/** Organisation management; mounted after user authentication; writes need the org_admin role. */
export function adminRoutes(db: Db): Router {
  const r = Router();
  /** An org-admin-only route answering `status` with what `fn` returns (204 when it returns nothing). */
  const admin = (method: 'get' | 'post' | 'patch', path: string, fn: (u: UserPrincipal, req: Request) => Promise<unknown>, status = 201) =>
    r[method](path, async (req, res) => {
      const u = userOf(res);
      requireAdmin(u);
      const out = await fn(u, req);
      if (out === undefined) res.status(204).end();
      else res.status(method === 'post' ? status : 200).json(out);
    });
  r.get('/api/me', async (_req, res) => {
    const u = userOf(res);
    const org = await db.query<{ name: string }>('select name from organisations where id = $1', [u.orgId]);
    res.json({ id: u.id, orgId: u.orgId, orgName: org.rows[0]?.name ?? null, email: u.email, role: u.role, siteIds: u.siteIds });
  });
  r.get('/api/sites', async (_req, res) => {
    res.json({ sites: await listSites(db, userOf(res)) });
  });
  admin('post', '/api/sites', (u, req) => createSite(db, u, req.body));
  admin('patch', '/api/sites/:siteId', (u, req) => updateSite(db, u, String(req.params.siteId), req.body));
  admin('get', '/api/sites/:siteId/claim-codes', async (u, req) => ({ claimCodes: await listClaimCodes(db, u, String(req.params.siteId)) }));
  admin('post', '/api/sites/:siteId/claim-codes', (u, req) => createClaimCode(db, u, String(req.params.siteId), req.body));
  admin('post', '/api/claim-codes/:code/revoke', (u, req) => revokeClaimCode(db, u, String(req.params.code)));
  admin('get', '/api/users', async (u) => ({ users: await listPeople(db, u) }));
  admin('post', '/api/users', (u, req) => invitePerson(db, u, req.body));
  admin('patch', '/api/users/:userId', (u, req) => updatePerson(db, u, String(req.params.userId), req.body));
  admin('post', '/api/users/:userId/invite', (u, req) => reissueInvite(db, u, String(req.params.userId)));
  admin('post', '/api/users/:userId/disable', (u, req) => setDisabled(db, u, String(req.params.userId), true));
  admin('post', '/api/users/:userId/enable', (u, req) => setDisabled(db, u, String(req.params.userId), false));
  admin('post', '/api/users/:userId/revoke', (u, req) => revokeUser(db, u, String(req.params.userId)));
  admin('post', '/api/devices/:deviceId/revoke', (u, req) => revokeDevice(db, u, String(req.params.deviceId)));
  return r;
}
