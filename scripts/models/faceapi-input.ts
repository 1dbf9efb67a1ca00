import type { OnnxGraphBuilder } from './onnx-graph.js';

/** face-api's input normalisation (FaceRecognitionNet and TinyXception): (x − mean) / 255 per RGB channel. */
export const FACEAPI_MEAN_RGB = [122.782, 117.001, 104.298];

/** Adds NHWC→NCHW transpose + (x − mean)/255; returns the normalised NCHW tensor name. */
export function normalisedNchwInput(g: OnnxGraphBuilder, input: string): string {
  const mean = g.floatTensor('mean_rgb', [1, 3, 1, 1], Float32Array.from(FACEAPI_MEAN_RGB));
  const div = g.floatTensor('div_255', [], Float32Array.of(255));
  const nchw = g.node('Transpose', [input], { perm: [0, 3, 1, 2] });
  return g.node('Div', [g.node('Sub', [nchw, mean]), div]);
}
