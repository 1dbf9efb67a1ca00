import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<data>/http.port`: the port the HTTP API really listens on (8080 unless that was taken). */
const HTTP_PORT_FILE = 'http.port';

export function writeHttpPort(dir: string, port: number): void {
  writeFileSync(join(dir, HTTP_PORT_FILE), `${port}\n`);
}

/** The port the running appliance wrote, or null before it has started. */
export function readHttpPort(dir: string): number | null {
  try {
    const p = Number(readFileSync(join(dir, HTTP_PORT_FILE), 'utf8').trim());
    return Number.isInteger(p) && p > 0 ? p : null;
  } catch {
    return null;
  }
}
