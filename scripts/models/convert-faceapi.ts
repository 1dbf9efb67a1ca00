/**
 * Converts @vladmandic/face-api's tfjs weights (recognition ResNet, age/gender TinyXception) to ONNX.
 * Library use: `convertFaceApiModel(kind)`. CLI: `node dist/scripts/models/convert-faceapi.js [outDir]`.
 * The output is deterministic: the same weights always produce byte-identical files.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readTfjsWeights, type TfjsWeightMap } from './tfjs-weights.js';
import { buildFaceApiRecognition } from './faceapi-recognition.js';
import { buildFaceApiAgeGender } from './faceapi-age-gender.js';

export type FaceApiModelKind = 'recognition' | 'age-gender';

interface Conversion {
  weightsManifest: string;
  outputFile: string;
  build(weights: TfjsWeightMap): Uint8Array;
}

export const FACEAPI_CONVERSIONS: Record<FaceApiModelKind, Conversion> = {
  recognition: { weightsManifest: 'face_recognition_model-weights_manifest.json', outputFile: 'faceapi_recognition.onnx', build: buildFaceApiRecognition },
  'age-gender': { weightsManifest: 'age_gender_model-weights_manifest.json', outputFile: 'faceapi_age_gender.onnx', build: buildFaceApiAgeGender },
};

/** The `model/` folder of the installed @vladmandic/face-api package. */
export function faceApiModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/** Installed @vladmandic/face-api version (the manifests pin it; a mismatch means the sha256 will differ). */
export function faceApiVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@vladmandic/face-api/package.json') as { version: string }).version;
}

/** Converts one face-api network to ONNX bytes. */
export function convertFaceApiModel(kind: FaceApiModelKind, modelDir = faceApiModelDir()): Uint8Array {
  const c = FACEAPI_CONVERSIONS[kind];
  return c.build(readTfjsWeights(join(modelDir, c.weightsManifest)));
}

function main(): void {
  const outDir = resolve(process.argv[2] ?? '.');
  mkdirSync(outDir, { recursive: true });
  for (const kind of Object.keys(FACEAPI_CONVERSIONS) as FaceApiModelKind[]) {
    const bytes = convertFaceApiModel(kind);
    const file = join(outDir, FACEAPI_CONVERSIONS[kind].outputFile);
    writeFileSync(file, bytes);
    process.stdout.write(`${file} ${bytes.length} bytes\n`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main();
  } catch (err) {
    process.stderr.write(`convert-faceapi: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}
