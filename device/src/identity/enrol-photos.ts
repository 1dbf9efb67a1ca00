import type { Box } from '../contracts/live.js';
import type { RgbFrame } from '../frame/frame.js';
import type { FaceEngine } from '../vision/engine.js';
import { ImageDecodeError, type ImageInput } from '../vision/image.js';
import type { EnrolPhoto } from './staff.js';

export interface EnrolImage {
  /** A label for feedback (the uploaded file name); never used as a path. */
  source: string;
  data: ImageInput;
}

/**
 * Runs enrolment photos through the face engine: every image becomes either its faces (with a crop of
 * the face when there is exactly one) or a readable error. One bad file never stops the others.
 */
export async function analyzeEnrolPhotos(engine: Pick<FaceEngine, 'analyze' | 'toFrame'>, images: readonly EnrolImage[]): Promise<EnrolPhoto[]> {
  const out: EnrolPhoto[] = [];
  for (const img of images) {
    try {
      const frame = await engine.toFrame(img.data);
      const faces = await engine.analyze(frame);
      out.push(faces.length === 1 ? { source: img.source, faces, crop: { frame, box: clipBox(faces[0].box, frame) } } : { source: img.source, faces });
    } catch (e) {
      if (!(e instanceof ImageDecodeError)) throw e;
      out.push({ source: img.source, error: `${e.kind}: ${e.message}` });
    }
  }
  return out;
}

/** Faces found after padding can reach past the photo's edge; crops stay inside it. */
function clipBox(b: Box, f: RgbFrame): Box {
  const x = Math.max(0, Math.floor(b.x));
  const y = Math.max(0, Math.floor(b.y));
  const right = Math.min(f.width, Math.ceil(b.x + b.width));
  const bottom = Math.min(f.height, Math.ceil(b.y + b.height));
  return { x, y, width: Math.max(1, right - x), height: Math.max(1, bottom - y) };
}
