import type { Db } from './db/types.js';
import { HttpError } from '../../device/src/util/http-errors.js';
import { SiteUpdate, type ClaimCodeView } from '../../device/src/contracts/hq.js';
import type { UserPrincipal } from './auth.js';
import { assertTimezone } from './admin.js';
import { parseBody } from './people/people.js';

/** Site edits and claim-code listing/revocation (org admins); creation and claiming live in admin.ts. */
function visible(user: UserPrincipal, siteId: string): void {
  if (!user.siteIds.includes(siteId)) throw new HttpError(404, 'site_not_found', `site ${siteId} not found`);
}

/**
 * A rename reaches the site's boxes with their next upload answer (sync protocol `site`); a new timezone
 * re-buckets every stored day of the site (the rollup recomputes them from the raw visits).
 */
export async function updateSite(db: Db, admin: UserPrincipal, siteId: string, body: unknown) {
  visible(admin, siteId);
  const u = parseBody(SiteUpdate, body);
  if (u.timezone) await assertTimezone(db, u.timezone);
  return db.tx(async (q) => {
    const before = (await q.query<{ timezone: string }>('select timezone from sites where id = $1 for update', [siteId])).rows[0];
    const r = await q.query<{ id: string; name: string; timezone: string; region: string | null }>(
      `update sites set name = coalesce($2, name), timezone = coalesce($3, timezone),
         region = case when $5 then $4 else region end,
         name_changed_at = case when $2::text is not null and $2 <> name then now() else name_changed_at end
       where id = $1 returning id, name, timezone, region`,
      [siteId, u.name ?? null, u.timezone ?? null, u.region || null, u.region !== undefined],
    );
    if (u.timezone && u.timezone !== before.timezone) {
      await q.query(
        `insert into rollup_dirty(site_id, day)
         select $1, d::date from (select min(day) as lo, max(day) as hi from site_daily where site_id = $1) m,
           generate_series(m.lo - 1, m.hi + 1, interval '1 day') d where m.lo is not null
         on conflict do nothing`,
        [siteId],
      );
    }
    return r.rows[0];
  });
}

export async function listClaimCodes(db: Db, admin: UserPrincipal, siteId: string): Promise<ClaimCodeView[]> {
  visible(admin, siteId);
  const r = await db.query<{ code: string; created_at: Date; expires_at: Date; used_at: Date | null; used_by_device: string | null; revoked_at: Date | null; device_name: string | null }>(
    `select c.code, c.created_at, c.expires_at, c.used_at, c.used_by_device, c.revoked_at, d.name as device_name
     from claim_codes c left join devices d on d.id = c.used_by_device where c.site_id = $1 order by c.created_at desc limit 200`,
    [siteId],
  );
  const now = Date.now();
  return r.rows.map((c) => ({
    code: c.code,
    createdAt: c.created_at.toISOString(),
    expiresAt: c.expires_at.toISOString(),
    usedAt: c.used_at?.toISOString() ?? null,
    usedByDevice: c.used_by_device,
    usedByDeviceName: c.device_name,
    revokedAt: c.revoked_at?.toISOString() ?? null,
    state: (c.revoked_at ? 'revoked' : c.used_at ? 'used' : c.expires_at.getTime() <= now ? 'expired' : 'active') as ClaimCodeView['state'],
  }));
}

/** An unused code stops working at once; a used one is already spent (revoke the device instead). */
export async function revokeClaimCode(db: Db, admin: UserPrincipal, code: string): Promise<void> {
  const r = await db.query(
    `update claim_codes set revoked_at = coalesce(revoked_at, now()) where code = $1 and site_id = any($2::text[]) and used_at is null`,
    [code.trim().toUpperCase(), admin.siteIds],
  );
  if (r.rowCount === 0) throw new HttpError(404, 'claim_code_not_found', `no unused claim code ${code}`);
}
