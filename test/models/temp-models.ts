import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelsDir } from '../../device/src/util/paths.js';
import { readManifests, type ModelId } from '../../device/src/vision/model-manifest.js';

/**
 * A throw-away copy of models/: every manifest, plus the weight files of `withFiles` in cache/.
 * Tests damage this copy, never the real cache.
 */
export function tempModelsDir(withFiles: ModelId[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'cva-models-'));
  mkdirSync(join(dir, 'cache'));
  for (const m of readManifests()) {
    copyFileSync(join(modelsDir(), `${m.id}.json`), join(dir, `${m.id}.json`));
    if (withFiles.includes(m.id)) copyFileSync(join(modelsDir(), 'cache', m.file), join(dir, 'cache', m.file));
  }
  return dir;
}
