import { spawn } from 'node:child_process';

/**
 * Sizing libuv's threadpool for the cameras.
 *
 * gstreamer-superficial blocks one threadpool thread per camera for the appsink `pull()` and one for the
 * bus `pollBus()`. Node's own async fs, DNS lookups and zlib share the same pool (default 4 threads), so with
 * two cameras the default pool is full and every `fs.promises` call would hang.
 *
 * libuv reads `UV_THREADPOOL_SIZE` once, when the pool is first used, and in an ES-module program Node's
 * module loader uses the pool before any of our code runs. So the variable must be in the environment when
 * the process starts: `ensureThreadpool()` checks that and otherwise re-launches the same command with it set.
 */

/** Threads Node needs for its own work (fs, dns, crypto) besides the cameras. */
const NODE_BASELINE = 4;
/** Blocking calls per running camera: appsink pull + bus poll. */
const PER_CAMERA = 2;
/** Room for `testConnection()` probes running next to the cameras. */
const PROBE_HEADROOM = 2;
/** libuv's upper limit. */
const LIBUV_MAX = 1024;

/** Threadpool size needed to run `cameraCount` cameras at once without starving Node's own work. */
export function threadpoolSizeFor(cameraCount: number): number {
  const n = Math.max(0, Math.floor(cameraCount));
  return Math.min(LIBUV_MAX, NODE_BASELINE + PER_CAMERA * n + PROBE_HEADROOM);
}

/** The pool size this process started with (libuv's default is 4). */
export function currentThreadpoolSize(env: NodeJS.ProcessEnv = process.env): number {
  const v = Number.parseInt(env.UV_THREADPOOL_SIZE ?? '', 10);
  return Number.isFinite(v) && v > 0 ? Math.min(v, LIBUV_MAX) : 4;
}

/** How many more cameras fit in the current pool (negative when already over). */
export function cameraCapacity(env: NodeJS.ProcessEnv = process.env): number {
  return Math.floor((currentThreadpoolSize(env) - NODE_BASELINE - PROBE_HEADROOM) / PER_CAMERA);
}

/**
 * Call first thing in an entry point, before starting any camera:
 * `if (ensureThreadpool(maxCameras) === 'relaunched') return;`
 * When the pool is big enough it returns 'ok'. Otherwise it re-runs this same node command as a child with
 * `UV_THREADPOOL_SIZE` set, forwards SIGINT/SIGTERM to it and exits with its exit code; the caller must do
 * nothing else. Size for the most cameras the appliance may run (cameras added later cannot grow the pool).
 */
export function ensureThreadpool(cameraCount: number): 'ok' | 'relaunched' {
  const needed = threadpoolSizeFor(cameraCount);
  if (currentThreadpoolSize() >= needed) {
    followLauncher();
    return 'ok';
  }
  // An IPC channel ties the child to this launcher: when the launcher dies (even by kill -9) the channel
  // closes and the child stops itself, so no orphan keeps serving.
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, UV_THREADPOOL_SIZE: String(needed) },
  });
  const forward = (sig: NodeJS.Signals) => () => child.kill(sig);
  process.on('SIGINT', forward('SIGINT'));
  process.on('SIGTERM', forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return 'relaunched';
}

/** In a re-launched child: stop cleanly (SIGTERM to itself) the moment the launcher is gone. */
function followLauncher(): void {
  if (!process.send) return;
  process.channel?.unref();
  process.once('disconnect', () => {
    process.stderr.write('the launcher is gone: stopping\n');
    process.kill(process.pid, 'SIGTERM');
  });
}
