import { CloudClaimInput, CloudStatus, SessionView, SetupRequest, SetupStatus, SiteUpdate, SettingsUpdateView } from '../../contracts/http.js';
import { setSessionCookies } from '../../util/cookies.js';
import { redactSettings } from '../../secrets/redaction.js';
import { HttpError, unwrap } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import { need } from '../deps.js';
import type { HttpDeps } from '../deps.js';
import { z } from 'zod';

export function setupRoutes({ accounts, settings, cloudLink }: HttpDeps): AnyRoute[] {
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
  /** Site and cloud settings first (validated already), then the admin; audited as the new admin. */
  async function completeSetup(body: z.infer<typeof SetupRequest>) {
    unwrap(await settings.update(body.cloud ? { site: body.site, cloud: { url: body.cloud.url } } : { site: body.site }));
    if (body.cloud) {
      await accounts.cloud.set(body.cloud.url, body.cloud.claimCode);
      cloudLink?.tryNow();
    }
    const created = await accounts.store.createUser({ ...body.admin, role: 'admin' });
    if (!created.ok) throw new HttpError(409, 'conflict', created.error.message);
    const user = created.value;
    await accounts.audit.record({ kind: 'user', id: user.id, name: user.username, role: user.role }, 'setup.completed', user.username, {
      site: body.site.name,
      timezone: body.site.timezone,
    });
    return user;
  }

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
        const claim = accounts.setup.claim(body.setupCode);
        if (claim === 'done') throw new HttpError(409, 'setup_done', 'set-up is already complete');
        if (claim === 'wrong-code') throw new HttpError(403, 'forbidden', 'wrong set-up code (see the appliance log)');
        if (claim === 'busy') throw new HttpError(409, 'conflict', 'set-up is in progress');
        let user;
        try {
          user = await completeSetup(body);
          accounts.setup.consume();
        } finally {
          accounts.setup.release();
        }
        const { sessionId, session } = await accounts.sessions.create(user.id);
        setSessionCookies(req, res, sessionId, session.csrfToken);
        return { user, csrfToken: session.csrfToken };
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
        return { ...r, settings: redactSettings(r.settings) };
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
        cloudLink?.tryNow();
        await audit('cloud.claim-set', body.url);
        return { url: claim.url, claimCodeSet: true as const, storedAt: claim.storedAt };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/setup/cloud',
      tag: 'setup',
      summary: 'The cloud link: claimed or not, last upload, the last error, the outbox backlog',
      access: 'settings.read',
      response: { schema: CloudStatus },
      async handle() {
        return need(cloudLink, 'the cloud link').status();
      },
    }),
  ];
}
