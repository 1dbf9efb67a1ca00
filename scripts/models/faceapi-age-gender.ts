import { OnnxGraphBuilder } from './onnx-graph.js';
import { depthwiseToOnnx, hwioToOihw } from './layout.js';
import { takeWeight, type TfjsWeightMap } from './tfjs-weights.js';
import { normalisedNchwInput } from './faceapi-input.js';

interface Tensor {
  name: string;
  channels: number;
}

/** tfjs conv2d(x, F, stride, 'same') + bias; SAME_UPPER matches tfjs' "extra padding at the end". */
function conv(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Tensor, k: number, stride: number, outCh: number): Tensor {
  const f = hwioToOihw(takeWeight(w, `${prefix}/filters`, [k, k, x.channels, outCh]));
  const b = takeWeight(w, `${prefix}/bias`, [outCh]);
  const name = g.node('Conv', [x.name, g.floatTensor(`${prefix}/W`, f.dims, f.data), g.floatTensor(`${prefix}/B`, [outCh], b.values)], {
    kernel_shape: [k, k],
    strides: [stride, stride],
    auto_pad: 'SAME_UPPER',
  });
  return { name, channels: outCh };
}

/** face-api `depthwiseSeparableConv`: depthwise 3×3 same (group = C), then 1×1 pointwise + bias. */
function separable(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Tensor, outCh: number): Tensor {
  const dw = depthwiseToOnnx(takeWeight(w, `${prefix}/depthwise_filter`, [3, 3, x.channels, 1]));
  const pw = hwioToOihw(takeWeight(w, `${prefix}/pointwise_filter`, [1, 1, x.channels, outCh]));
  const b = takeWeight(w, `${prefix}/bias`, [outCh]);
  const depth = g.node('Conv', [x.name, g.floatTensor(`${prefix}/DW`, dw.dims, dw.data)], {
    kernel_shape: [3, 3],
    group: x.channels,
    auto_pad: 'SAME_UPPER',
  });
  const name = g.node('Conv', [depth, g.floatTensor(`${prefix}/PW`, pw.dims, pw.data), g.floatTensor(`${prefix}/B`, [outCh], b.values)], { kernel_shape: [1, 1] });
  return { name, channels: outCh };
}

const relu = (g: OnnxGraphBuilder, x: Tensor): Tensor => ({ ...x, name: g.node('Relu', [x.name]) });

/** Reduction block: (relu) → sep → relu → sep → MaxPool 3×3/2 same, plus a 1×1 stride-2 expansion conv of the block input. */
function reductionBlock(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Tensor, outCh: number, activateInput: boolean): Tensor {
  let out = separable(g, w, `${prefix}/separable_conv0`, activateInput ? relu(g, x) : x, outCh);
  out = separable(g, w, `${prefix}/separable_conv1`, relu(g, out), outCh);
  const pooled = g.node('MaxPool', [out.name], { kernel_shape: [3, 3], strides: [2, 2], auto_pad: 'SAME_UPPER' });
  const expansion = conv(g, w, `${prefix}/expansion_conv`, x, 1, 2, outCh);
  return { name: g.node('Add', [pooled, expansion.name]), channels: outCh };
}

/** Main block: 3 × (relu → sep), plus the block input. */
function mainBlock(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Tensor): Tensor {
  let out = x;
  for (let i = 0; i < 3; i++) out = separable(g, w, `${prefix}/separable_conv${i}`, relu(g, out), x.channels);
  return { name: g.node('Add', [out.name, x.name]), channels: x.channels };
}

/** Fully connected: MatMul + bias. */
function dense(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: string, inF: number, outF: number, outputName?: string): string {
  const weights = takeWeight(w, `${prefix}/weights`, [inF, outF]);
  const bias = takeWeight(w, `${prefix}/bias`, [outF]);
  const mm = g.node('MatMul', [x, g.floatTensor(`${prefix}/W`, [inF, outF], weights.values)]);
  return g.node('Add', [mm, g.floatTensor(`${prefix}/B`, [outF], bias.values)], {}, outputName);
}

/**
 * Builds face-api's AgeGenderNet (TinyXception with 2 main blocks) as ONNX opset 13.
 * Input `input` [N,112,112,3] NHWC RGB float 0–255; outputs `age` [N,1] (years) and `gender` [N,2] softmax [p_male, p_female].
 */
export function buildFaceApiAgeGender(weights: TfjsWeightMap): Uint8Array {
  const g = new OnnxGraphBuilder('faceapi_age_gender');
  const input = g.input('input', ['N', 112, 112, 3]);
  let x: Tensor = { name: normalisedNchwInput(g, input), channels: 3 };
  x = relu(g, conv(g, weights, 'entry_flow/conv_in', x, 3, 2, 32));
  x = reductionBlock(g, weights, 'entry_flow/reduction_block_0', x, 64, false);
  x = reductionBlock(g, weights, 'entry_flow/reduction_block_1', x, 128, true);
  x = mainBlock(g, weights, 'middle_flow/main_block_0', x);
  x = mainBlock(g, weights, 'middle_flow/main_block_1', x);
  x = reductionBlock(g, weights, 'exit_flow/reduction_block', x, 256, true);
  x = relu(g, separable(g, weights, 'exit_flow/separable_conv', x, 512));
  // 112 → 56 → 28 → 14 → 7: the 7×7 average pool leaves 1×1×512.
  const pooled = g.node('Flatten', [g.node('AveragePool', [x.name], { kernel_shape: [7, 7], strides: [2, 2] })], { axis: 1 });
  dense(g, weights, 'fc/age', pooled, 512, 1, 'age');
  g.node('Softmax', [dense(g, weights, 'fc/gender', pooled, 512, 2)], { axis: -1 }, 'gender');
  g.output('age', ['N', 1]);
  g.output('gender', ['N', 2]);
  return g.encode(13, 'face-api AgeGenderNet (TinyXception), converted from @vladmandic/face-api weights');
}
