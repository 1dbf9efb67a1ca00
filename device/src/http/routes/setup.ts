import { CloudClaimInput, SessionView, SetupRequest, SetupStatus, SiteUpdate, SettingsUpdateView } from '../../contracts/http.js';
import { setSessionCookies } from '../cookies.js';
import { HttpError, unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import type { HttpDeps } from '../deps.js';
import { z } from 'zod';

export function setupRoutes({ accounts, settings }: HttpDeps): AnyRoute[] {
  const status = () => {
    const s = settings.get();
    const claim = accounts.getCloudClaim();
    return {
      needsSetup: accounts.setup.needsSetup(),
      deviceId: accounts.deviceId,
      site: { name: s.site.name, timezone: s.site.timezone },
      cloud: { url: claim?.url ?? s.cloud.url, claimCodeSet: claim !== null },
    };
  };
  // Two set-up requests racing with the right code must not create two admins.
  let inProgress = false;
  return [
    route({
      method: 'get',
      path: '/api/v1/setup',
      tag: 'setup',
      summary: 'Set-up state: whether the first admin still has to be created, device id, site',
      access: 'public',
      response: { schema: SetupStatus },
      async handle() {
        return status();
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/setup',
      tag: 'setup',
      summary: 'Create the first admin with the one-time set-up code from the log; sets site and cloud claim',
      access: 'public',
      body: SetupRequest,
      response: { status: 201, schema: SessionView },
      async handle({ body, req, res }) {
        if (!accounts.setup.needsSetup()) throw new HttpError(409, 'setup_done', 'set-up is already complete');
        if (!accounts.setup.matches(body.setupCode)) throw new HttpError(403, 'forbidden', 'wrong set-up code (see the appliance log)');
        if (inProgress) throw new HttpError(409, 'conflict', 'set-up is in progress');
        inProgress = true;
        try {
          return await completeSetup();
        } finally {
          inProgress = false;
        }
        async function completeSetup() {
        const patch: Record<string, unknown> = { site: body.site };
        if (body.cloud) patch.cloud = { url: body.cloud.url };
        unwrap(await settings.update(patch));
        if (body.cloud) await accounts.cloud.set(body.cloud.url, body.cloud.claimCode);
        const created = await accounts.store.createUser({ ...body.admin, role: 'admin' });
        if (!created.ok) throw new HttpError(409, 'conflict', created.error.message);
        const user = created.value;
        accounts.setup.consume();
        const actor = { kind: 'user' as const, id: user.id, name: user.username, role: user.role };
        await accounts.audit.record(actor, 'setup.completed', user.username, { site: body.site.name, timezone: body.site.timezone });
        const { sessionId, session } = accounts.sessions.create(user.id);
        setSessionCookies(req, res, sessionId, session.csrfToken);
        return { user, csrfToken: session.csrfToken };
        }
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/setup/site',
      tag: 'setup',
      summary: 'Change the site name or timezone',
      access: 'settings.write',
      body: SiteUpdate,
      response: { schema: SettingsUpdateView },
      async handle({ body, audit }) {
        const r = unwrap(await settings.update({ site: body }));
        if (r.changed.length) await audit('settings.changed', 'site', { changed: r.changed });
        return r;
      },
    }),
    route({
      method: 'put',
      path: '/api/v1/setup/cloud',
      tag: 'setup',
      summary: 'Set the cloud URL and claim code used to claim this appliance',
      access: 'settings.write',
      body: CloudClaimInput,
      response: { schema: z.object({ url: z.string(), claimCodeSet: z.literal(true), storedAt: z.string() }) },
      async handle({ body, audit }) {
        unwrap(await settings.update({ cloud: { url: body.url } }));
        const claim = await accounts.cloud.set(body.url, body.claimCode);
        await audit('cloud.claim-set', body.url);
        return { url: claim.url, claimCodeSet: true as const, storedAt: claim.storedAt };
      },
    }),
  ];
}
