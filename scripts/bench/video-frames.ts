/**
 * Decode a video file to packed RGB frames with GStreamer in a child process (gst-launch-1.0 … ! fdsink), one
 * frame at a time: the pipe applies back-pressure, so memory holds at most one frame plus the pipe buffer.
 */
import { spawn } from 'node:child_process';
import type { RgbFrame } from '../../device/src/frame/frame.js';

export async function* videoFrames(path: string, width: number, height: number): AsyncGenerator<RgbFrame> {
  const frameBytes = width * height * 3;
  const child = spawn('gst-launch-1.0', ['-q', 'filesrc', `location=${path}`, '!', 'decodebin', '!', 'videoconvert', '!', 'videoscale', '!',
    `video/x-raw,format=RGB,width=${width},height=${height}`, '!', 'fdsink', 'fd=1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const exited = new Promise<number | null>((res) => child.on('close', res));
  let pending: Buffer = Buffer.alloc(0);
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        const data = new Uint8Array(pending.subarray(0, frameBytes)); // copy: the chunk is reused by the stream
        pending = pending.subarray(frameBytes);
        yield { data, width, height, stride: width * 3 };
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`gst-launch-1.0 exited with ${code}: ${stderr.trim().split('\n')[0] ?? ''}`);
  } finally {
    if (child.exitCode === null) child.kill();
  }
}
