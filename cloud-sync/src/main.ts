import { createLogger } from '../../device/src/util/log.js';
import { cloudDataDir, openDbFromEnv } from './db/open.js';
import { CloudServer } from './server.js';
import { ControlSocket, controlSocketPath } from './control.js';

/** `npm run cloud`: PostgreSQL when DATABASE_URL is set, else embedded PGlite under CLOUD_DATA_DIR. */
const log = createLogger('cloud');
const db = await openDbFromEnv();
const port = Number(process.env.PORT ?? 8090);
const server = new CloudServer({
  db,
  port,
  host: process.env.HOST ?? '0.0.0.0',
  heartbeatRetentionDays: Number(process.env.HEARTBEAT_RETENTION_DAYS ?? 30),
  publicUrl: process.env.PUBLIC_URL || undefined,
});
await server.start();
// PGlite allows one process: the CLI reaches the database through this socket while the server runs.
const control = db.kind === 'pglite' ? new ControlSocket(db, controlSocketPath(cloudDataDir())) : null;
await control?.start();
log.info(`cloud-sync listening on port ${server.port}`, {
  db: db.kind === 'postgres' ? 'postgres (DATABASE_URL)' : `pglite (${cloudDataDir()})`,
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
