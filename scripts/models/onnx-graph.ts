import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** A dimension is a fixed size or a symbolic name (dynamic, e.g. the batch `N`). */
export type Dim = number | string;
type AttrValue = number | number[] | string;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function valueInfo(name: string, dims: Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
}

/**
 * Minimal, deterministic ONNX graph builder over the `onnx-proto` protobuf classes.
 * Names are generated from a counter, so building the same graph twice yields byte-identical files.
 */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(private readonly graphName: string) {}

  private unique(base: string): string {
    let name = base;
    while (this.used.has(name)) name = `${base}_${++this.counter}`;
    this.used.add(name);
    return name;
  }

  input(name: string, dims: Dim[]): string {
    this.inputs.push(valueInfo(this.unique(name), dims));
    return name;
  }

  output(name: string, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, dims));
  }

  /** A float32 constant; `data.length` must equal the product of `dims`. */
  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims}]`);
    const id = this.unique(name);
    const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.initializers.push({ name: id, dims, dataType: FLOAT, rawData: raw });
    return id;
  }

  int64Tensor(name: string, data: number[]): string {
    const id = this.unique(name);
    const raw = new Uint8Array(new BigInt64Array(data.map((v) => BigInt(v))).buffer);
    this.initializers.push({ name: id, dims: [data.length], dataType: INT64, rawData: raw });
    return id;
  }

  /** Adds a node and returns the name of its (single) output; pass `outputName` to name a graph output. */
  node(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = outputName ?? this.unique(`${opType.toLowerCase()}_out`);
    if (outputName) this.used.add(outputName);
    this.nodes.push({
      name: this.unique(`${opType}_${this.nodes.length}`),
      opType,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** Serialises the model (IR 7, default-domain opset `opset`). */
  encode(opset: number, docString: string): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 7,
      producerName: 'customer-visit-appliance/convert-faceapi',
      producerVersion: '1',
      docString,
      opsetImport: [{ domain: '', version: opset }],
      graph: {
        name: this.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
