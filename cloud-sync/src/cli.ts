import { parseArgs } from 'node:util';
import { createOrganisationWithAdmin } from './admin.js';
import { openDbFromEnv } from './db/open.js';
import { migrate } from './db/migrate.js';

/**
 * cloud-sync administration from the shell.
 *   create-admin --org NAME --email ADDRESS   new organisation and its first org admin; prints the API token once
 *   migrate                                   apply pending migrations and exit
 */
const [cmd, ...rest] = process.argv.slice(2);
const usage = 'usage: cli.js create-admin --org NAME --email ADDRESS | migrate';
if (cmd !== 'create-admin' && cmd !== 'migrate') {
  console.error(usage);
  process.exit(2);
}
const db = await openDbFromEnv();
try {
  await migrate(db);
  if (cmd === 'create-admin') {
    const { values } = parseArgs({ args: rest, options: { org: { type: 'string' }, email: { type: 'string' } } });
    if (!values.org || !values.email) {
      console.error(usage);
      process.exitCode = 2;
    } else {
      const a = await createOrganisationWithAdmin(db, values.org, values.email);
      console.log(JSON.stringify({ orgId: a.orgId, userId: a.userId, email: a.email, token: a.token }, null, 2));
      console.error('Keep the token: it is shown only now. Use it as "Authorization: Bearer <token>".');
    }
  }
} catch (e) {
  console.error(String((e as Error).message ?? e));
  process.exitCode = 1;
} finally {
  await db.close();
}
