/**
 * Baseline for `bench:faces`: the same frames through face-api.js itself (@vladmandic/face-api on @tensorflow/tfjs
 * with the wasm backend, as in models.md §6): SSD MobileNet v1 detection + 68 landmarks + 128-D descriptors.
 * Runs as its own process so tfjs's memory does not count against the engine's peak RSS.
 * Usage: node faces-baseline.js FRAME.png RUNS  → prints one JSON line {ms, faces, runs, backend, loadMs, peakRssMb}.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import sharp from 'sharp';

const require = createRequire(import.meta.url);
// The node-wasm build of face-api: it uses the installed @tensorflow/tfjs + tfjs-backend-wasm.
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as typeof import('@vladmandic/face-api');
const tf = faceapi.tf as unknown as {
  setBackend(b: string): Promise<boolean>; ready(): Promise<void>; getBackend(): string;
  tensor3d(v: Uint8Array, shape: [number, number, number], dtype: 'int32'): { dispose(): void };
};

const [framePath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg ?? 30);
const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');

const t0 = performance.now();
await tf.setBackend('wasm');
await tf.ready();
await faceapi.nets.ssdMobilenetv1.loadFromDisk(modelDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
await faceapi.nets.faceRecognitionNet.loadFromDisk(modelDir);
const loadMs = performance.now() - t0;

const { data, info } = await sharp(framePath).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const input = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], 'int32');
const options = new faceapi.SsdMobilenetv1Options({ minConfidence: 0.5 });
const once = async () => faceapi.detectAllFaces(input as never, options).withFaceLandmarks().withFaceDescriptors();

let faces = 0;
for (let i = 0; i < 3; i++) faces = (await once()).length;
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const s = performance.now();
  await once();
  times.push(performance.now() - s);
}
input.dispose();
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  ms: Math.round(times[Math.floor(times.length / 2)] * 10) / 10,
  faces, runs, backend: tf.getBackend(), loadMs: Math.round(loadMs),
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
}));
