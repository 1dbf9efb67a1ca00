#!/usr/bin/env node
// The container's HEALTHCHECK: asks the running appliance's /api/v1/health on the port it really
// listens on (it may have moved off 8080 when that port was taken), so balena restarts a wedged box.
import { dataDir } from '../util/paths.js';
import { readHttpPort } from './port-file.js';

const port = readHttpPort(dataDir()) ?? 8080;
try {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/health`, { signal: AbortSignal.timeout(8_000) });
  const body = (await res.json()) as { status?: string };
  if (res.status !== 200 || body.status !== 'ok') throw new Error(`answered ${res.status} ${JSON.stringify(body)}`);
  process.exit(0);
} catch (e) {
  console.error(`unhealthy (port ${port}): ${(e as Error).message}`);
  process.exit(1);
}
