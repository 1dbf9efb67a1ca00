import { parseArgs } from 'node:util';
import { callControlSocket, controlSocketPath, runControlCommand, type ControlCommand } from './control.js';
import { cloudDataDir, openDbFromEnv } from './db/open.js';
import { migrate } from './db/migrate.js';

/**
 * cloud-sync administration from the shell; works while the server runs (PostgreSQL: directly; PGlite:
 * through the running server's control socket).
 *   create-admin --org NAME --email ADDRESS   new organisation and its first org admin; prints the API token
 *                                             and an invite code (set a password on the page) once
 *   migrate                                   apply pending migrations and exit
 */
const [cmd, ...rest] = process.argv.slice(2);
const usage = 'usage: cli.js create-admin --org NAME --email ADDRESS | migrate';

function command(): ControlCommand | null {
  if (cmd === 'migrate') return { cmd };
  if (cmd !== 'create-admin') return null;
  const { values } = parseArgs({ args: rest, options: { org: { type: 'string' }, email: { type: 'string' } } });
  return values.org && values.email ? { cmd, org: values.org, email: values.email } : null;
}

function print(out: unknown): void {
  console.log(JSON.stringify(out, null, 2));
  if (cmd === 'create-admin') {
    console.error('Keep these: they are shown only now. Use the token as "Authorization: Bearer <token>";');
    console.error('open the HQ page at /invite/<invite code> to set a password for the page.');
  }
}

const c = command();
if (!c) {
  console.error(usage);
  process.exit(2);
}
try {
  const viaServer = process.env.DATABASE_URL ? null : await callControlSocket(controlSocketPath(cloudDataDir()), c);
  if (viaServer) {
    if (viaServer.status !== 200) throw new Error((viaServer.body as { error?: string })?.error ?? `server answered ${viaServer.status}`);
    print(viaServer.body);
  } else {
    const db = await openDbFromEnv();
    try {
      await migrate(db);
      print(await runControlCommand(db, c));
    } finally {
      await db.close();
    }
  }
} catch (e) {
  console.error(String((e as Error).message ?? e));
  process.exitCode = 1;
}
