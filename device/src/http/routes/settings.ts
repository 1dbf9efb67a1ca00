import { SettingsPatch, SettingsUpdateView, SettingsView } from '../../contracts/http.js';
import { unwrap } from '../errors.js';
import { redactSettings, restoreSettingsSecrets } from '../../secrets/redaction.js';
import { ok } from '../../util/result.js';
import { route, type AnyRoute } from '../route.js';
import type { HttpDeps } from '../deps.js';

export function settingsRoutes({ settings }: HttpDeps): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/api/v1/settings',
      tag: 'settings',
      summary: 'Current settings',
      access: 'settings.read',
      response: { schema: SettingsView },
      async handle() {
        return { settings: redactSettings(settings.get()) };
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/settings',
      tag: 'settings',
      summary: 'Change settings (deep-merge patch); says which changes need a restart',
      access: 'settings.write',
      body: SettingsPatch,
      response: { schema: SettingsUpdateView },
      async handle({ body, audit }) {
        const r = unwrap(await settings.update((current) => ok(restoreSettingsSecrets(body, current))));
        if (r.changed.length) await audit('settings.changed', null, { changed: r.changed, restartRequired: r.restartRequired });
        return { ...r, settings: redactSettings(r.settings) };
      },
    }),
  ];
}
