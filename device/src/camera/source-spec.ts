import { fileURLToPath } from 'node:url';
import type { CameraConfig } from '../contracts/camera.js';
import { err, ok, type Result } from '../util/result.js';
import { failure, type CameraFailure } from './failure.js';

/** A camera URL understood: which GStreamer source it needs. Credentials stay inside `url` for rtspsrc/souphttpsrc. */
export type SourceSpec =
  | { kind: 'rtsp'; url: string; transport: 'tcp' | 'udp'; secure: boolean }
  | { kind: 'file'; path: string; loop: boolean }
  | { kind: 'usb'; device: string }
  | { kind: 'http'; url: string };

/** Parses a camera URL (already shape-checked by the CameraConfig contract) into a source spec. */
export function parseSourceSpec(config: Pick<CameraConfig, 'url' | 'rtspTransport' | 'loop'>): Result<SourceSpec, CameraFailure> {
  const raw = config.url.trim();
  if (/^\/dev\/video\d+$/.test(raw)) return ok({ kind: 'usb', device: raw });
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return err(failure('bad-url', `"${redactUrl(raw)}" is not a valid URL`));
  }
  switch (u.protocol) {
    case 'rtsp:':
    case 'rtsps:':
      if (!u.hostname) return err(failure('bad-url', 'RTSP URL has no host'));
      return ok({ kind: 'rtsp', url: u.href, transport: config.rtspTransport, secure: u.protocol === 'rtsps:' });
    case 'http:':
    case 'https:':
      if (!u.hostname) return err(failure('bad-url', 'HTTP URL has no host'));
      return ok({ kind: 'http', url: u.href });
    case 'file:': {
      if (u.hostname && u.hostname !== 'localhost') return err(failure('bad-url', 'file URLs must be local (file:///path)'));
      return ok({ kind: 'file', path: fileURLToPath(u), loop: config.loop });
    }
    default:
      return err(failure('bad-url', `unsupported scheme "${u.protocol}" (use rtsp://, http://, file:// or /dev/videoN)`));
  }
}

/**
 * The URL with its whole user-info (user name and password) masked, for logs, status messages and the audit log.
 * Everything between `scheme://` and the last `@` before any `?` or `#` goes, so a password holding an unencoded
 * `@`, `:` or `/` cannot leak in part.
 */
export function redactUrl(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)([^?#]*)(.*)$/is.exec(url);
  if (!m) return url;
  const [, scheme, beforeQuery, rest] = m;
  const at = beforeQuery.lastIndexOf('@');
  return at < 0 ? url : `${scheme}***@${beforeQuery.slice(at + 1)}${rest}`;
}
