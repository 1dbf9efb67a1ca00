/**
 * Converts @vladmandic/face-api's tfjs weights (recognition ResNet, age/gender TinyXception) to ONNX.
 * Library use: `convertFaceApiModel(kind)`. CLI: `node dist/scripts/models/convert-faceapi.js [outDir]`.
 * The output is deterministic: the same weights always produce byte-identical files.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runConverterCli } from './converter-cli.js';
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

runConverterCli(
  import.meta.url,
  'convert-faceapi',
  (Object.keys(FACEAPI_CONVERSIONS) as FaceApiModelKind[]).map((kind) => ({ outputFile: FACEAPI_CONVERSIONS[kind].outputFile, convert: () => convertFaceApiModel(kind) })),
);
