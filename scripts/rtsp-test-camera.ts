import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { facesDataDir, repoRoot } from '../device/src/util/paths.js';

/**
 * Starts scripts/rtsp-camera.py (Debian gst-rtsp-server) as a child process for tests and benchmarks.
 * `stop()` kills it; `restart()` starts it again on the same port, so clients see a camera that went away
 * and came back.
 */
export interface RtspCameraOptions {
  /** TCP port; 0 or omitted picks a free one (kept across restarts). */
  port?: number;
  /** Video file to serve in a loop; default the shared hamilton.mp4. */
  file?: string;
  user?: string;
  pass?: string;
  codec?: 'h264' | 'h265';
}

export interface RtspCamera {
  /** rtsp://127.0.0.1:PORT/stream, with user:pass@ when credentials were given. */
  url: string;
  /** The URL without credentials. */
  plainUrl: string;
  port: number;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** The system python has python3-gi; a pyenv/venv python3 on PATH usually does not. */
function python(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

function launch(opts: RtspCameraOptions, port: number): Promise<{ child: ChildProcess; url: string }> {
  const args = [resolve(repoRoot, 'scripts', 'rtsp-camera.py'), '--port', String(port)];
  args.push('--file', opts.file ?? resolve(facesDataDir(), 'video', 'hamilton.mp4'));
  if (opts.codec) args.push('--codec', opts.codec);
  if (opts.user !== undefined) args.push('--user', opts.user, '--password', opts.pass ?? '');
  const child = spawn(python(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rtsp-camera.py did not start within 15 s: ${stderr}`));
    }, 15_000);
    lines.on('line', (line) => {
      const m = /^READY (\S+)/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolvePromise({ child, url: m[1] });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rtsp-camera.py exited with ${code}: ${stderr.trim()}`));
    });
  });
}

function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    child.once('exit', () => done());
    child.kill('SIGTERM');
    // The GLib main loop quits on SIGTERM; SIGKILL only if it hangs.
    setTimeout(() => child.kill('SIGKILL'), 3_000).unref();
  });
}

/** Starts the RTSP test camera and resolves once it accepts connections. */
export async function startRtspCamera(opts: RtspCameraOptions = {}): Promise<RtspCamera> {
  let { child, url } = await launch(opts, opts.port ?? 0);
  const port = Number(new URL(url).port);
  const creds = opts.user !== undefined ? `${encodeURIComponent(opts.user)}:${encodeURIComponent(opts.pass ?? '')}@` : '';
  return {
    url: url.replace('rtsp://', `rtsp://${creds}`),
    plainUrl: url,
    port,
    stop: () => kill(child),
    async restart() {
      await kill(child);
      // The old socket may linger briefly; retry the bind for a few seconds.
      for (let i = 0; ; i++) {
        try {
          child = (await launch(opts, port)).child;
          return;
        } catch (e) {
          if (i >= 10) throw e;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    },
  };
}
