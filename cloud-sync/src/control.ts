import { chmodSync, existsSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { join } from 'node:path';
import type { Feature } from '../../device/src/util/feature.js';
import { createOrganisationWithAdmin } from './admin.js';
import type { Db } from './db/types.js';

/**
 * PGlite is one process: while the server runs, the CLI cannot open the same data directory. So the
 * server listens on a Unix socket in that directory (mode 0600: only the owner of the data may talk to
 * it) and the CLI hands its command over. With PostgreSQL the CLI simply connects itself.
 */
export const controlSocketPath = (dataDir: string) => join(dataDir, 'control.sock');

export type ControlCommand = { cmd: 'create-admin'; org: string; email: string } | { cmd: 'migrate' };

export async function runControlCommand(db: Db, c: ControlCommand): Promise<unknown> {
  if (c.cmd === 'create-admin') return createOrganisationWithAdmin(db, c.org, c.email);
  return { migrated: 'at server start' };
}

export class ControlSocket implements Feature {
  readonly name = 'control-socket';
  private server: Server | null = null;

  constructor(
    private readonly db: Db,
    private readonly path: string,
  ) {}

  async start(): Promise<void> {
    // A socket file left by a crashed server would refuse the listen.
    if (existsSync(this.path)) rmSync(this.path);
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d) => (body.length < 65_536 ? (body += d) : req.destroy()));
      req.on('end', async () => {
        try {
          const out = await runControlCommand(this.db, JSON.parse(body) as ControlCommand);
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
        } catch (e) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: String((e as Error).message ?? e) }));
        }
      });
    });
    await new Promise<void>((res, rej) => server.listen(this.path, () => res()).once('error', rej));
    chmodSync(this.path, 0o600);
    this.server = server;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((res) => s.close(() => res()));
    if (existsSync(this.path)) rmSync(this.path, { force: true });
  }
}

/** Sends a command to a running server; null when none listens (the CLI then opens the database itself). */
export function callControlSocket(path: string, c: ControlCommand): Promise<{ status: number; body: unknown } | null> {
  if (!existsSync(path)) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: path, method: 'POST', path: '/', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text || 'null') }));
    });
    req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNREFUSED' || e.code === 'ENOENT' ? resolve(null) : reject(e)));
    req.end(JSON.stringify(c));
  });
}
