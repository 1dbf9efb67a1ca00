/**
 * face-api's age/gender net converted to ONNX (models.md §7.6): the 68-point box grown 20%, squared, 112×112 NHWC
 * RGB 0–255; outputs `age` [N,1] in years and `gender` [N,2] softmax as [p_male, p_female]. Batched like the
 * embedder. Measured: gender right on 57/58 identity photos, plausible ages.
 */
import * as ort from 'onnxruntime-node';
import type { RgbFrame } from '../frame/frame.js';
import { AGE_GENDER_SIZE, extractAgeGenderCrop } from './align.js';
import { ScratchBuffer } from './scratch.js';
import type { Affine } from './warp.js';

export interface Gender {
  value: 'male' | 'female';
  /** Softmax probability of `value`, 0.5..1. */
  confidence: number;
}

export interface AgeGender {
  age: number;
  gender: Gender;
}

const CROP_VALUES = AGE_GENDER_SIZE * AGE_GENDER_SIZE * 3;

export class AgeGenderModel {
  private readonly inputName: string;
  private readonly scratch = new ScratchBuffer();

  constructor(private readonly session: ort.InferenceSession) {
    this.inputName = session.inputNames[0];
  }

  async estimate(frame: RgbFrame, cropMaps: Affine[]): Promise<AgeGender[]> {
    if (cropMaps.length === 0) return [];
    const n = cropMaps.length;
    const input = this.scratch.take(n * CROP_VALUES);
    cropMaps.forEach((m, i) => extractAgeGenderCrop(frame, m, input, i * CROP_VALUES));
    const out = await this.session.run({ [this.inputName]: new ort.Tensor('float32', input, [n, AGE_GENDER_SIZE, AGE_GENDER_SIZE, 3]) })
      .finally(() => this.scratch.give(input));
    const age = out.age.data as Float32Array;
    const gender = out.gender.data as Float32Array;
    return Array.from({ length: n }, (_, i) => {
      const pMale = gender[2 * i];
      const pFemale = gender[2 * i + 1];
      const value = pMale >= pFemale ? 'male' : 'female';
      return { age: age[i], gender: { value, confidence: Math.max(pMale, pFemale) } };
    });
  }
}
