import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CameraConfig } from '../contracts/camera.js';
import { err, ok, type Result } from '../util/result.js';

export interface CameraArgError {
  code: 'missing-value' | 'file-not-found' | 'invalid-camera';
  arg: string;
  message: string;
}

/** The values of every `--camera URL` / `--camera=URL` in a command line, in order. */
export function cameraArgs(argv: readonly string[]): Result<string[], CameraArgError> {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--camera=')) out.push(a.slice('--camera='.length));
    else if (a === '--camera') {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) return err({ code: 'missing-value', arg: a, message: '--camera needs a URL or a video file path' });
      out.push(v);
      i++;
    }
  }
  return ok(out);
}

/**
 * `--camera URL` quick add: rtsp(s)://, http(s):// (MJPEG), file:// and /dev/videoN are taken as they are; any
 * other value is a video file path (relative to `cwd`), turned into a looping file:// camera. The id is
 * `cli-N` (N from `index`, skipping ids in `taken`) so a quick-added camera never replaces a configured one.
 */
export function parseCameraArg(value: string, index: number, taken: ReadonlySet<string> = new Set(), cwd = process.cwd()): Result<CameraConfig, CameraArgError> {
  const raw = value.trim();
  if (!raw) return err({ code: 'missing-value', arg: value, message: '--camera needs a URL or a video file path' });
  let url = raw;
  let name = raw;
  let loop = false;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
    name = describeUrl(raw);
    loop = /^file:\/\//i.test(raw);
  } else if (!/^\/dev\/video\d+$/.test(raw)) {
    const path = resolve(cwd, raw);
    if (!existsSync(path) || !statSync(path).isFile()) return err({ code: 'file-not-found', arg: value, message: `no video file at ${path}` });
    url = pathToFileURL(path).href;
    name = basename(path);
    loop = true;
  }
  let n = index + 1;
  while (taken.has(`cli-${n}`)) n++;
  const parsed = CameraConfig.safeParse({ id: `cli-${n}`, name: name.slice(0, 80), url, loop });
  if (!parsed.success) {
    return err({ code: 'invalid-camera', arg: value, message: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  return ok(parsed.data);
}

/** The settings' cameras plus the quick-added ones (which are not saved to settings). */
export function withQuickCameras(configured: readonly CameraConfig[], argv: readonly string[], cwd = process.cwd()): Result<CameraConfig[], CameraArgError> {
  const args = cameraArgs(argv);
  if (!args.ok) return args;
  const out = [...configured];
  const taken = new Set(out.map((c) => c.id));
  for (let i = 0; i < args.value.length; i++) {
    const c = parseCameraArg(args.value[i], i, taken, cwd);
    if (!c.ok) return c;
    taken.add(c.value.id);
    out.push(c.value);
  }
  return ok(out);
}

/** A display name without credentials: scheme://host[:port]/path. */
function describeUrl(raw: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol === 'file:') return basename(decodeURIComponent(u.pathname));
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//');
  }
}
