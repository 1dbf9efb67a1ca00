import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The file name `npm pack` gives a package's tarball (`@scope/name` → `scope-name-1.0.0.tgz`). */
export function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Returns the path of `pkg@version`'s tarball in `cacheDir`, fetching it with `npm pack` (registry only,
 * no install, no dependencies) when it is not there yet. `fresh` says whether it was just downloaded.
 */
export function ensureNpmTarball(pkg: string, version: string, cacheDir: string): { path: string; fresh: boolean } {
  const path = join(cacheDir, tarballName(pkg, version));
  if (existsSync(path)) return { path, fresh: false };
  mkdirSync(cacheDir, { recursive: true });
  try {
    execFileSync('npm', ['pack', `${pkg}@${version}`, '--pack-destination', cacheDir, '--silent'], { cwd: cacheDir, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n').pop();
    throw new Error(`npm pack ${pkg}@${version} failed${stderr ? `: ${stderr}` : ''}`);
  }
  if (!existsSync(path)) throw new Error(`npm pack ${pkg}@${version} did not produce ${path}`);
  return { path, fresh: true };
}

/** Reads one member of a .tgz with the system `tar`, without unpacking anything else to disk. */
export function readTarballMember(tgz: string, member: string): Buffer {
  try {
    return execFileSync('tar', ['-xzOf', tgz, member], { maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim().split('\n')[0];
    throw new Error(`cannot read ${member} from ${tgz}${stderr ? `: ${stderr}` : ''}`);
  }
}
