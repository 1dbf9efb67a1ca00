/**
 * Translates the convolutional part of a tfjs graph model to ONNX (opset 13, NCHW): from the input placeholder to
 * the chosen output nodes, op by op. Supported: Cast of the input, Sub/Mul/AddV2/RealDiv (with constants or two
 * tensors), _FusedConv2D and (Fused)DepthwiseConv2dNative with BiasAdd / Relu / Relu6, ResizeBilinear by a fixed
 * factor (the graph computes its size from the input's Shape; we replace that by the factor) and Sigmoid.
 * Anything else throws, naming the op, so a changed upstream graph fails loudly instead of converting wrongly.
 */
import { OnnxGraphBuilder, type Dim } from './onnx-graph.js';
import { depthwiseToOnnx, hwioToOihw } from './layout.js';
import { attrBool, attrInts, attrString, attrStrings, node, type TfjsGraphModel, type TfjsNode } from './tfjs-graph.js';
import type { TfjsWeight } from './tfjs-weights.js';

export interface GraphOutput {
  /** The tfjs node whose value becomes this output. */
  node: string;
  onnxName: string;
  /** Apply a sigmoid in the graph (logit heads whose consumers want probabilities). */
  sigmoid?: boolean;
  dims: Dim[];
}

export interface GraphConversionSpec {
  graphName: string;
  /** The tfjs placeholder and the ONNX input replacing it: float32 NCHW (the tfjs graph is NHWC). */
  input: { node: string; onnxName: string; dims: Dim[] };
  outputs: GraphOutput[];
  docString: string;
}

/** A constant broadcast against NHWC activations, reshaped for NCHW ([1,1,1,C] or [C] → [1,C,1,1]). */
function nchwConstant(w: TfjsWeight): { dims: number[]; data: Float32Array } {
  const s = w.shape;
  if (s.length === 0) return { dims: [], data: w.values };
  const c = s[s.length - 1];
  if (s.slice(0, -1).every((d) => d === 1)) return { dims: [1, c, 1, 1], data: w.values };
  throw new Error(`constant of shape [${s}] cannot be broadcast in NCHW`);
}

class Translator {
  private readonly b: OnnxGraphBuilder;
  private readonly done = new Map<string, string>();
  private readonly consts = new Map<string, string>();

  constructor(
    private readonly graph: TfjsGraphModel,
    private readonly spec: GraphConversionSpec,
  ) {
    this.b = new OnnxGraphBuilder(spec.graphName);
    this.b.input(spec.input.onnxName, spec.input.dims);
  }

  build(): Uint8Array {
    for (const out of this.spec.outputs) {
      const value = this.value(out.node);
      this.b.node(out.sigmoid ? 'Sigmoid' : 'Identity', [value], {}, out.onnxName);
      this.b.output(out.onnxName, out.dims);
    }
    return this.b.encode(13, this.spec.docString);
  }

  private weight(name: string): TfjsWeight {
    const w = this.graph.weights.get(name);
    if (!w) throw new Error(`constant ${name} has no weights`);
    return w;
  }

  private isConst(name: string): boolean {
    return node(this.graph, name).op === 'Const';
  }

  private constant(name: string): string {
    let id = this.consts.get(name);
    if (!id) {
      const { dims, data } = nchwConstant(this.weight(name));
      id = this.b.floatTensor(name, dims, data);
      this.consts.set(name, id);
    }
    return id;
  }

  /** The ONNX value of a tfjs node's (first) output, translating what it depends on first. */
  private value(name: string): string {
    const known = this.done.get(name);
    if (known) return known;
    const n = node(this.graph, name);
    const out = this.translate(n);
    this.done.set(name, out);
    return out;
  }

  private operand(name: string): string {
    return this.isConst(name) ? this.constant(name) : this.value(name);
  }

  private translate(n: TfjsNode): string {
    switch (n.op) {
      case 'Placeholder':
        if (n.name !== this.spec.input.node) throw new Error(`unexpected placeholder ${n.name}`);
        return this.spec.input.onnxName;
      case 'Cast':
        // Only the input's int32 → float cast: the ONNX input is float already.
        if (n.inputs[0] !== this.spec.input.node) throw new Error(`Cast ${n.name} is not on the input`);
        return this.value(n.inputs[0]);
      case 'Sub':
      case 'Mul':
      case 'AddV2':
      case 'RealDiv': {
        const op = { Sub: 'Sub', Mul: 'Mul', AddV2: 'Add', RealDiv: 'Div' }[n.op];
        return this.b.node(op, [this.operand(n.inputs[0]), this.operand(n.inputs[1])]);
      }
      case 'Sigmoid':
        return this.b.node('Sigmoid', [this.value(n.inputs[0])]);
      case '_FusedConv2D':
        return this.conv(n, false);
      case 'FusedDepthwiseConv2dNative':
      case 'DepthwiseConv2dNative':
        return this.conv(n, true);
      case 'ResizeBilinear':
        return this.resize(n);
      default:
        throw new Error(`op ${n.op} (${n.name}) is not supported by the converter`);
    }
  }

  private conv(n: TfjsNode, depthwise: boolean): string {
    if ((attrString(n, 'data_format') ?? 'NHWC') !== 'NHWC') throw new Error(`${n.name}: only NHWC is supported`);
    const strides = attrInts(n, 'strides');
    const dilations = attrInts(n, 'dilations');
    if (dilations.some((d) => d !== 1)) throw new Error(`${n.name}: dilations ${dilations} are not supported`);
    const padding = attrString(n, 'padding');
    const fused = attrStrings(n, 'fused_ops');
    const known = ['BiasAdd', 'Relu', 'Relu6'];
    if (fused.some((f) => !known.includes(f)) || (fused.length && fused[0] !== 'BiasAdd')) {
      throw new Error(`${n.name}: fused ops [${fused}] are not supported`);
    }
    const filter = this.weight(n.inputs[1]);
    const w = depthwise ? depthwiseToOnnx(filter) : hwioToOihw(filter);
    const inputs = [this.value(n.inputs[0]), this.b.floatTensor(`${n.name}/W`, w.dims, w.data)];
    if (fused.includes('BiasAdd')) {
      const bias = this.weight(n.inputs[2]);
      inputs.push(this.b.floatTensor(`${n.name}/B`, [bias.values.length], bias.values));
    }
    const [kh, kw] = [filter.shape[0], filter.shape[1]];
    const attrs: Record<string, number | number[] | string> = { kernel_shape: [kh, kw], strides: [strides[1], strides[2]] };
    if (padding === 'SAME') attrs.auto_pad = 'SAME_UPPER'; // TF "same": the odd padding pixel goes at the end
    else if (padding === 'VALID') attrs.pads = [0, 0, 0, 0];
    else throw new Error(`${n.name}: padding ${padding} is not supported`);
    if (depthwise) attrs.group = filter.shape[2];
    let out = this.b.node('Conv', inputs, attrs);
    if (fused.includes('Relu')) out = this.b.node('Relu', [out]);
    if (fused.includes('Relu6')) out = this.b.node('Clip', [out, ...this.relu6Bounds()]);
    return out;
  }

  private relu6?: [string, string];
  private relu6Bounds(): [string, string] {
    this.relu6 ??= [this.b.floatTensor('relu6_min', [], new Float32Array([0])), this.b.floatTensor('relu6_max', [], new Float32Array([6]))];
    return this.relu6;
  }

  /**
   * ResizeBilinear whose size is `Shape(x)[1:3] · k` (Keras UpSampling2D): an ONNX Resize by the fixed factor k,
   * half-pixel centres as the tfjs attributes say.
   */
  private resize(n: TfjsNode): string {
    if (attrBool(n, 'align_corners') || !attrBool(n, 'half_pixel_centers')) throw new Error(`${n.name}: only half-pixel-centre resizing is supported`);
    const x = n.inputs[0];
    const size = node(this.graph, n.inputs[1]);
    const factorConst = size.op === 'Mul' ? size.inputs.find((i) => this.isConst(i)) : undefined;
    const sliced = size.inputs.find((i) => i !== factorConst);
    const shape = sliced ? node(this.graph, node(this.graph, sliced).inputs[0] ?? '') : null;
    if (!factorConst || !shape || shape.op !== 'Shape' || shape.inputs[0] !== x) {
      throw new Error(`${n.name}: the output size is not a fixed multiple of the input size`);
    }
    const [fy, fx] = this.weight(factorConst).values;
    const scales = this.b.floatTensor(`${n.name}/scales`, [4], new Float32Array([1, 1, fy, fx]));
    return this.b.node('Resize', [this.value(x), '', scales], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
  }
}

/** Converts the part of `graph` between `spec.input` and `spec.outputs` to ONNX bytes (deterministic). */
export function convertTfjsGraph(graph: TfjsGraphModel, spec: GraphConversionSpec): Uint8Array {
  return new Translator(graph, spec).build();
}
