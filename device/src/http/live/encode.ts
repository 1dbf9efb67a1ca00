import sharp from 'sharp';
import type { RgbFrame } from '../../frame/frame.js';
import type { FaceEvent } from '../../contracts/live.js';
import { overlaySvg } from './overlay.js';

/** sharp wants tightly packed rows; GStreamer pads rows to 4 bytes, so repack when stride > width*3. */
function packed(frame: RgbFrame): Buffer {
  const row = frame.width * 3;
  const src = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  if (frame.stride === row) return src.subarray(0, row * frame.height);
  const out = Buffer.allocUnsafe(row * frame.height);
  for (let y = 0; y < frame.height; y++) src.copy(out, y * row, y * frame.stride, y * frame.stride + row);
  return out;
}

/** One JPEG of the frame with the faces' boxes and labels drawn on it. */
export async function encodeAnnotated(frame: RgbFrame, faces: readonly FaceEvent[], quality = 75): Promise<Buffer> {
  let img = sharp(packed(frame), { raw: { width: frame.width, height: frame.height, channels: 3 } });
  if (faces.length) img = img.composite([{ input: Buffer.from(overlaySvg(frame.width, frame.height, faces)), top: 0, left: 0 }]);
  return img.jpeg({ quality, mozjpeg: false }).toBuffer();
}
