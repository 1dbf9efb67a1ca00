/** Decodes a real video file to RGB frames with GStreamer's command-line tool (test helper). */
import { spawn } from 'node:child_process';
import type { RgbFrame } from '../../device/src/frame/frame.js';

export interface DecodedFrame extends RgbFrame {
  /** Milliseconds from the start of the clip. */
  ms: number;
}

/** Every frame of the file (no rate conversion), timed at the file's frame rate `fps`. */
export async function decodeVideo(file: string, width: number, height: number, fps: number): Promise<DecodedFrame[]> {
  const args = [
    '-q', 'filesrc', `location=${file}`, '!', 'decodebin', '!', 'videoconvert', '!', 'videoscale', '!',
    `video/x-raw,format=RGB,width=${width},height=${height}`, '!', 'fdsink', 'fd=1', 'sync=false',
  ];
  const child = spawn('gst-launch-1.0', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => chunks.push(c));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`gst-launch-1.0 failed (${code}): ${stderr.trim()}`);
  const all = Buffer.concat(chunks);
  const size = width * height * 3;
  const frames: DecodedFrame[] = [];
  for (let off = 0, i = 0; off + size <= all.length; off += size, i++) {
    frames.push({ data: new Uint8Array(all.buffer, all.byteOffset + off, size), width, height, stride: width * 3, ms: Math.round((i * 1000) / fps) });
  }
  return frames;
}
