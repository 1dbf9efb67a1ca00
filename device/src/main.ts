#!/usr/bin/env node
// The appliance's entry point: size the threadpool for the cameras, parse `--camera`, build and start
// the Appliance, and stop it cleanly on SIGINT/SIGTERM.
import { ensureThreadpool } from './camera/threadpool.js';
import { MAX_CAMERAS } from './contracts/settings.js';
import { withQuickCameras } from './pipeline/camera-arg.js';
import { createLogger } from './util/log.js';
import { ModelIntegrityError } from './vision/model-registry.js';
import { InstanceLockedError } from './store/instance-lock.js';

const log = createLogger('main');

async function main(): Promise<void> {
  // Everything the appliance and its libraries create (state, crops, logs) is private to its user.
  process.umask(0o077);
  // gstreamer-superficial blocks pool threads per camera; the pool size is fixed at process start.
  if (ensureThreadpool(MAX_CAMERAS) === 'relaunched') return;

  const quick = withQuickCameras([], process.argv.slice(2));
  if (!quick.ok) fail(`${quick.error.arg}: ${quick.error.message}`);
  const extraCameras = quick.value;

  const { Appliance } = await import('./appliance.js');
  const appliance = await Appliance.create({ extraCameras });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping`);
    await appliance.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  await appliance.start();
}

function fail(message: string): never {
  log.error(message);
  process.exit(2);
}

main().catch((e: unknown) => {
  if (e instanceof ModelIntegrityError) fail(`${e.message} — repair with: ${e.repairCommand}`);
  if (e instanceof InstanceLockedError) fail(e.message);
  log.error(`start-up failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exit(1);
});
