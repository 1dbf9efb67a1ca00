import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

/** Repository root, found by walking up from this file (works from src via tsx and from dist). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(resolve(dir, 'package.json')) && existsSync(resolve(dir, 'models'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const repoRoot = findRoot();

/** Where the appliance keeps its state. `CVA_DATA_DIR` overrides (tests give each run its own). */
export function dataDir(): string {
  return resolve(process.env.CVA_DATA_DIR ?? resolve(repoRoot, 'data'));
}

/** Model weights folder (manifests live in models/, weights in models/cache/). */
export function modelsDir(): string {
  return resolve(repoRoot, 'models');
}

/** The shared face test data; `FACES_DATA_DIR` overrides the default ../shared/data/faces. */
export function facesDataDir(): string {
  return resolve(process.env.FACES_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data', 'faces'));
}

/** The shared people footage (one-by-one.mp4 and its CSV); `PEOPLE_DATA_DIR` overrides ../shared/data/people. */
export function peopleDataDir(): string {
  return resolve(process.env.PEOPLE_DATA_DIR ?? resolve(repoRoot, '..', 'shared', 'data', 'people'));
}
