import { createServer } from 'node:net';

/** True when nothing listens on `port` (tested by binding it briefly). */
export function portIsFree(port: number, host?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

/** Ports tried from the configured one upwards before giving up. */
export const PORT_TRIES = 20;

/**
 * The configured port when it is free, else the next free one above it (up to `tries`), so a
 * development machine that already runs a broker or web server on the standard port still starts.
 * Port 0 (any) is returned as is; null when nothing in the range is free.
 */
export async function choosePort(preferred: number, host?: string, tries = PORT_TRIES): Promise<number | null> {
  if (preferred === 0) return 0;
  for (let p = preferred; p < preferred + tries && p <= 65535; p++) {
    if (await portIsFree(p, host)) return p;
  }
  return null;
}
