import { parseArgs } from 'node:util';
import { createLogger } from '../../device/src/util/log.js';
import { createOrganisationWithAdmin } from './admin.js';
import { needsFirstRun } from './people/first-run.js';
import { cloudDataDir, openDbFromEnv } from './db/open.js';
import { CloudServer } from './server.js';
import { BalenaFleet, balenaFleetConfig } from './balena/balena-fleet.js';
import { ControlSocket, controlSocketPath } from './control.js';

/**
 * `npm run cloud`: PostgreSQL when DATABASE_URL is set, else embedded PGlite under CLOUD_DATA_DIR.
 * `npm run cloud -- --first-admin-org NAME --first-admin-email ADDRESS` creates the first organisation admin at
 * start when there are no users yet; without it, the first-run page (set-up code in the log) does the same in a browser.
 */
const log = createLogger('cloud');
const { values: args } = parseArgs({ options: { 'first-admin-org': { type: 'string' }, 'first-admin-email': { type: 'string' } }, strict: false });
const db = await openDbFromEnv();
const port = Number(process.env.PORT ?? 8090);
// balena-sdk only with BALENA_API_KEY + BALENA_FLEET; otherwise the fleet view comes from heartbeats alone.
const balenaConfig = balenaFleetConfig(process.env);
const balena = balenaConfig ? new BalenaFleet(balenaConfig) : null;
const server = new CloudServer({
  db,
  port,
  host: process.env.HOST ?? '0.0.0.0',
  heartbeatRetentionDays: Number(process.env.HEARTBEAT_RETENTION_DAYS ?? 30),
  publicUrl: process.env.PUBLIC_URL || undefined,
  balena,
});
await server.start();
// PGlite allows one process: the CLI reaches the database through this socket while the server runs.
const control = db.kind === 'pglite' ? new ControlSocket(db, controlSocketPath(cloudDataDir())) : null;
await control?.start();
const firstOrg = typeof args['first-admin-org'] === 'string' ? args['first-admin-org'] : null;
const firstEmail = typeof args['first-admin-email'] === 'string' ? args['first-admin-email'] : null;
if (firstOrg && firstEmail && (await needsFirstRun(db))) {
  const a = await createOrganisationWithAdmin(db, firstOrg, firstEmail);
  // The token goes to stdout once (logs are on stderr), like the CLI's create-admin.
  process.stdout.write(JSON.stringify({ orgId: a.orgId, userId: a.userId, email: a.email, token: a.token }) + '\n');
  log.info(`first organisation admin ${a.email} created: keep the token printed on stdout, it is shown only now`);
}
log.info(`cloud-sync listening on port ${server.port} (pid ${process.pid})`, {
  db: db.kind === 'postgres' ? 'postgres (DATABASE_URL)' : `pglite (${cloudDataDir()})`,
  balena: balenaConfig ? `fleet ${balenaConfig.fleet} via ${balenaConfig.apiUrl}` : 'not configured (BALENA_API_KEY, BALENA_FLEET)',
});
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await control?.stop();
  await server.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
