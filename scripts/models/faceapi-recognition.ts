import { OnnxGraphBuilder } from './onnx-graph.js';
import { hwioToOihw } from './layout.js';
import { takeWeight, type TfjsWeightMap } from './tfjs-weights.js';
import { normalisedNchwInput } from './faceapi-input.js';

interface Spatial {
  name: string;
  channels: number;
  size: number;
}

/**
 * face-api `convLayer`: relu?(scale(conv(x, F) + b)) with scale(y) = y·s + sb, folded into one Conv:
 * W′ = F·s per output channel, b′ = b·s + sb.
 */
function convLayer(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Spatial, opts: { k: number; stride: number; same: boolean; outCh: number; relu: boolean }): Spatial {
  const filters = takeWeight(w, `${prefix}/conv/filters`, [opts.k, opts.k, x.channels, opts.outCh]);
  const bias = takeWeight(w, `${prefix}/conv/bias`, [opts.outCh]).values;
  const s = takeWeight(w, `${prefix}/scale/weights`, [opts.outCh]).values;
  const sb = takeWeight(w, `${prefix}/scale/biases`, [opts.outCh]).values;
  const folded = hwioToOihw(filters, s);
  const foldedBias = new Float32Array(opts.outCh);
  for (let c = 0; c < opts.outCh; c++) foldedBias[c] = bias[c] * s[c] + sb[c];
  const pad = opts.same ? (opts.k - 1) / 2 : 0; // tfjs "same" at stride 1 with odd k is symmetric
  if (opts.same && opts.stride !== 1) throw new Error('"same" convolution is only used at stride 1 in this network');
  const out = g.node('Conv', [x.name, g.floatTensor(`${prefix}/W`, folded.dims, folded.data), g.floatTensor(`${prefix}/B`, [opts.outCh], foldedBias)], {
    kernel_shape: [opts.k, opts.k],
    strides: [opts.stride, opts.stride],
    pads: [pad, pad, pad, pad],
  });
  const size = opts.same ? x.size : Math.floor((x.size - opts.k) / opts.stride) + 1;
  return { name: opts.relu ? g.node('Relu', [out]) : out, channels: opts.outCh, size };
}

/** residual: conv3×3 same + relu → conv3×3 same → add x → relu. */
function residual(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Spatial): Spatial {
  const a = convLayer(g, w, `${prefix}/conv1`, x, { k: 3, stride: 1, same: true, outCh: x.channels, relu: true });
  const b = convLayer(g, w, `${prefix}/conv2`, a, { k: 3, stride: 1, same: true, outCh: x.channels, relu: false });
  return { ...b, name: g.node('Relu', [g.node('Add', [b.name, x.name])]) };
}

/**
 * residualDown: conv3×3 stride 2 valid + relu → conv3×3 same; shortcut = AvgPool 2×2/2 of x.
 * Where sizes differ face-api appends one zero row and column to the conv branch, and zero channels to the shortcut.
 */
function residualDown(g: OnnxGraphBuilder, w: TfjsWeightMap, prefix: string, x: Spatial, outCh: number): Spatial {
  const a = convLayer(g, w, `${prefix}/conv1`, x, { k: 3, stride: 2, same: false, outCh, relu: true });
  let b = convLayer(g, w, `${prefix}/conv2`, a, { k: 3, stride: 1, same: true, outCh, relu: false });
  let pooled: Spatial = { name: g.node('AveragePool', [x.name], { kernel_shape: [2, 2], strides: [2, 2] }), channels: x.channels, size: Math.floor(x.size / 2) };
  if (pooled.size !== b.size) {
    if (pooled.size !== b.size + 1) throw new Error(`${prefix}: unexpected sizes ${b.size} vs ${pooled.size}`);
    b = { ...b, name: g.node('Pad', [b.name, g.int64Tensor(`${prefix}/pad_hw`, [0, 0, 0, 0, 0, 0, 1, 1])]), size: b.size + 1 };
  }
  if (pooled.channels !== outCh) {
    const extra = outCh - pooled.channels;
    pooled = { ...pooled, name: g.node('Pad', [pooled.name, g.int64Tensor(`${prefix}/pad_c`, [0, 0, 0, 0, 0, extra, 0, 0])]), channels: outCh };
  }
  return { ...b, name: g.node('Relu', [g.node('Add', [pooled.name, b.name])]) };
}

/**
 * Builds face-api's FaceRecognitionNet (dlib-style ResNet) as ONNX opset 13.
 * Input `input` [N,150,150,3] NHWC RGB float 0–255; output `descriptor` [N,128] (not normalised).
 */
export function buildFaceApiRecognition(weights: TfjsWeightMap): Uint8Array {
  const g = new OnnxGraphBuilder('faceapi_recognition');
  const input = g.input('input', ['N', 150, 150, 3]);
  let x: Spatial = { name: normalisedNchwInput(g, input), channels: 3, size: 150 };
  x = convLayer(g, weights, 'conv32_down', x, { k: 7, stride: 2, same: false, outCh: 32, relu: true });
  x = { ...x, name: g.node('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [2, 2] }), size: Math.floor((x.size - 3) / 2) + 1 };
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(g, weights, p, x);
  x = residualDown(g, weights, 'conv64_down', x, 64);
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(g, weights, p, x);
  x = residualDown(g, weights, 'conv128_down', x, 128);
  for (const p of ['conv128_1', 'conv128_2']) x = residual(g, weights, p, x);
  x = residualDown(g, weights, 'conv256_down', x, 256);
  for (const p of ['conv256_1', 'conv256_2']) x = residual(g, weights, p, x);
  x = residualDown(g, weights, 'conv256_down_out', x, 256);
  const pooled = g.node('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
  const fc = takeWeight(weights, 'fc', [256, 128]);
  g.node('MatMul', [pooled, g.floatTensor('fc', [256, 128], fc.values)], {}, 'descriptor');
  g.output('descriptor', ['N', 128]);
  return g.encode(13, 'face-api FaceRecognitionNet (128-D), converted from @vladmandic/face-api weights');
}
