import { createRequire } from 'node:module';
import { faceApiModelDir } from '../../scripts/models/convert-faceapi.js';

/** The original face-api networks on @tensorflow/tfjs' pure-JS CPU backend: the reference the ONNX files must match. */
type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;
interface FaceApi {
  tf: Tf;
  toNetInput(input: Tensor[]): Promise<unknown>;
  nets: {
    faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; forwardInput(input: unknown): Tensor };
    ageGenderNet: { loadFromDisk(dir: string): Promise<void>; forwardInput(input: unknown): { age: Tensor; gender: Tensor } };
  };
}

export interface FaceApiReference {
  descriptors(batch: Float32Array, n: number): Promise<Float32Array>;
  ageGender(batch: Float32Array, n: number): Promise<{ age: Float32Array; gender: Float32Array }>;
}

export async function loadFaceApiReference(): Promise<FaceApiReference> {
  const require = createRequire(import.meta.url);
  // The node-wasm build requires plain @tensorflow/tfjs (no native tfjs-node); we then pin the pure-JS CPU backend.
  const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
  const tf = faceapi.tf;
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${tf.getBackend()}, expected cpu`);
  const dir = faceApiModelDir();
  await faceapi.nets.faceRecognitionNet.loadFromDisk(dir);
  await faceapi.nets.ageGenderNet.loadFromDisk(dir);

  const netInput = (batch: Float32Array, n: number, size: number) =>
    faceapi.toNetInput(tf.unstack(tf.tensor4d(batch, [n, size, size, 3])));

  return {
    async descriptors(batch, n) {
      const out = faceapi.nets.faceRecognitionNet.forwardInput(await netInput(batch, n, 150));
      const data = (await out.data()) as Float32Array;
      out.dispose();
      return data;
    },
    async ageGender(batch, n) {
      const { age, gender } = faceapi.nets.ageGenderNet.forwardInput(await netInput(batch, n, 112));
      const result = { age: (await age.data()) as Float32Array, gender: (await gender.data()) as Float32Array };
      age.dispose();
      gender.dispose();
      return result;
    },
  };
}
