import { realpathSync } from 'node:fs';
import { delimiter, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CameraConfig } from '../contracts/camera.js';
import { facesDataDir, repoRoot } from '../util/paths.js';

/**
 * Where file cameras may read from. A camera URL is set by anyone with `cameras.write`; a `file://` URL
 * pointing anywhere would read the box's own files (`/etc/shadow`, the data folder) and the test button
 * would tell whether a file exists. So file cameras play only from media folders, never from the data
 * folder, checked on the real path (symlinks and `..` resolved).
 */
export interface CameraUrlPolicy {
  mediaDirs: readonly string[];
  dataDir: string;
}

/** `CVA_MEDIA_DIRS` (path-list), else `<repo>/media` and the shared test footage folder. */
export function mediaDirsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  const listed = env.CVA_MEDIA_DIRS?.split(delimiter).filter(Boolean);
  return (listed?.length ? listed : [resolve(repoRoot, 'media'), facesDataDir()]).map((d) => resolve(d));
}

const within = (path: string, dir: string) => path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

function real(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** Why this camera URL is not allowed on this box, or null. Non-file URLs pass (their form is the contract's). */
export function cameraUrlRefusal(url: string, policy: CameraUrlPolicy): string | null {
  if (!/^file:\/\//i.test(url)) return null;
  let path: string;
  try {
    path = fileURLToPath(url);
  } catch {
    return 'not a valid file:// URL';
  }
  const allowed = policy.mediaDirs.map((d) => real(d) ?? resolve(d));
  const data = real(policy.dataDir) ?? resolve(policy.dataDir);
  // The same answer whether or not the file exists outside the media folders: nothing to probe.
  const target = real(path) ?? resolve(path);
  if (within(target, data) || !allowed.some((d) => within(target, d))) {
    return `file cameras must play from a media folder (${policy.mediaDirs.join(', ')}; set CVA_MEDIA_DIRS)`;
  }
  return null;
}

/** Issues for cameras whose URL is new or changed (cameras already configured are not re-judged). */
export function cameraUrlIssues(next: readonly CameraConfig[], current: readonly CameraConfig[], policy: CameraUrlPolicy): { path: string; message: string }[] {
  const known = new Map(current.map((c) => [c.id, c.url]));
  return next.flatMap((c, i) => {
    if (known.get(c.id) === c.url) return [];
    const why = cameraUrlRefusal(c.url, policy);
    return why ? [{ path: `cameras.${i}.url`, message: why }] : [];
  });
}
