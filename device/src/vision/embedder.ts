/**
 * face-api's 128-D ResNet (dlib-style), converted to ONNX (models.md §7.5, appendix): input [N,150,150,3] NHWC RGB
 * 0–255 (the graph subtracts the mean and divides by 255), output `descriptor` [N,128], compared by Euclidean
 * distance (similarity.ts). The batch dimension is dynamic, so every face of a frame goes through in one run.
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import { EMBEDDING_LENGTH } from '../frame/face.js';
import { CHIP_SIZE, extractChip } from './align.js';
import { ScratchBuffer } from './scratch.js';
import type { Affine } from './warp.js';

const CHIP_VALUES = CHIP_SIZE * CHIP_SIZE * 3;

export class FaceEmbedder {
  private readonly inputName: string;
  private readonly outputName: string;
  private readonly scratch = new ScratchBuffer();

  constructor(private readonly session: ort.InferenceSession) {
    this.inputName = session.inputNames[0];
    this.outputName = session.outputNames.includes('descriptor') ? 'descriptor' : session.outputNames[0];
  }

  /** One descriptor per chip map, computed in a single batched run. */
  async embed(frame: RgbFrame, chipMaps: Affine[]): Promise<Float32Array[]> {
    if (chipMaps.length === 0) return [];
    const input = this.scratch.take(chipMaps.length * CHIP_VALUES);
    chipMaps.forEach((m, i) => extractChip(frame, m, input, i * CHIP_VALUES));
    return this.embedChips(input, chipMaps.length).finally(() => this.scratch.give(input));
  }

  /** Descriptors for ready-made chips ([n,150,150,3] float 0–255). */
  async embedChips(chips: Float32Array, n: number): Promise<Float32Array[]> {
    const out = await this.session.run({ [this.inputName]: new ort.Tensor('float32', chips, [n, CHIP_SIZE, CHIP_SIZE, 3]) });
    const v = out[this.outputName].data as Float32Array;
    return Array.from({ length: n }, (_, i) => v.slice(i * EMBEDDING_LENGTH, (i + 1) * EMBEDDING_LENGTH));
  }
}
