import { createLogger } from '../../device/src/util/log.js';
import { countUsers } from './admin.js';
import { cloudDataDir, openDbFromEnv } from './db/open.js';
import { CloudServer } from './server.js';
import { BalenaFleet, balenaFleetConfig } from './balena/balena-fleet.js';

/** `npm run cloud`: PostgreSQL when DATABASE_URL is set, else embedded PGlite under CLOUD_DATA_DIR. */
const log = createLogger('cloud');
const db = await openDbFromEnv();
const port = Number(process.env.PORT ?? 8090);
// balena-sdk only with BALENA_API_KEY + BALENA_FLEET; otherwise the fleet view comes from heartbeats alone.
const balenaConfig = balenaFleetConfig(process.env);
const balena = balenaConfig ? new BalenaFleet(balenaConfig) : null;
const server = new CloudServer({ db, port, host: process.env.HOST ?? '0.0.0.0', heartbeatRetentionDays: Number(process.env.HEARTBEAT_RETENTION_DAYS ?? 30), balena });
await server.start();
log.info(`cloud-sync listening on port ${server.port}`, {
  db: db.kind === 'postgres' ? 'postgres (DATABASE_URL)' : `pglite (${cloudDataDir()})`,
  balena: balenaConfig ? `fleet ${balenaConfig.fleet} via ${balenaConfig.apiUrl}` : 'not configured (BALENA_API_KEY, BALENA_FLEET)',
});
if ((await countUsers(db)) === 0) {
  log.info('no users yet. Create the first organisation admin with:\n' +
    '  node dist/cloud-sync/src/cli.js create-admin --org "My company" --email you@example.com\n' +
    '(with the same DATABASE_URL / CLOUD_DATA_DIR; stop this server first when running on PGlite)');
}
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await server.stop();
  await db.close();
  process.exit(0);
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
