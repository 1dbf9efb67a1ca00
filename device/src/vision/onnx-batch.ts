/**
 * A verified ONNX file whose graph works on any batch but whose inputs and outputs declare a batch of 1
 * (faceplugin's landmark model: convolutions, Flatten on axis 1, Gemm). onnxruntime refuses a batch that
 * contradicts the declared shape, so the first dimension is made symbolic ("N") in memory; the file on disk,
 * and the sha256 it was verified against, are unchanged. Used for manifests that say `relaxBatch` (and why).
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** The model bytes with dimension 0 of every graph input and output declared dynamic. */
export function withDynamicBatch(bytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(bytes);
  for (const v of [...(model.graph?.input ?? []), ...(model.graph?.output ?? [])]) {
    const dims = v.type?.tensorType?.shape?.dim;
    if (!dims?.length) throw new Error(`ONNX value ${v.name}: no shape to relax`);
    dims[0] = { dimParam: 'N' };
  }
  return onnx.ModelProto.encode(model).finish();
}
