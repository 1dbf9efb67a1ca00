import type { CameraConfig, CameraStats } from '../../device/src/contracts/camera.js';
import type { PlatformFacts } from '../../device/src/camera/platform.js';
import { CameraSupervisor } from '../../device/src/camera/supervisor.js';

/** Polls `check` every 100 ms until it returns true; rejects with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a supervisor for `config` until `frames` frames arrived, stops it, and returns its stats and frame size. */
export async function framesFrom(config: CameraConfig, facts: PlatformFacts, frames: number): Promise<{ stats: CameraStats; size: string }> {
  const sup = new CameraSupervisor({ config, facts });
  let n = 0;
  let size = '';
  sup.onFrame((f) => {
    n++;
    size = `${f.width}x${f.height}`;
  });
  await sup.start();
  try {
    await waitFor(`${frames} frames`, () => n >= frames, 30_000);
    return { stats: sup.stats(), size };
  } finally {
    await sup.stop();
  }
}
