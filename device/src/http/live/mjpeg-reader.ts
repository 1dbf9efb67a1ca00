/**
 * Reads JPEG parts from a multipart/x-mixed-replace body (our MJPEG stream, or any camera's that
 * sends Content-Length per part). Used by tests and the live-view benchmark.
 */
export async function* readMjpeg(body: ReadableStream<Uint8Array>, boundary: string): AsyncGenerator<Buffer> {
  const marker = Buffer.from(`--${boundary}\r\n`);
  let buf = Buffer.alloc(0);
  const reader = body.getReader();
  try {
    for (;;) {
      const start = buf.indexOf(marker);
      const headerEnd = start < 0 ? -1 : buf.indexOf('\r\n\r\n', start + marker.length);
      if (headerEnd >= 0) {
        const headers = buf.subarray(start + marker.length, headerEnd).toString('latin1');
        const m = /content-length:\s*(\d+)/i.exec(headers);
        if (!m) throw new Error('MJPEG part without Content-Length');
        const len = Number(m[1]);
        const bodyStart = headerEnd + 4;
        if (buf.length >= bodyStart + len) {
          yield Buffer.from(buf.subarray(bodyStart, bodyStart + len));
          buf = buf.subarray(bodyStart + len);
          continue;
        }
      }
      const { value, done } = await reader.read();
      if (done) return;
      buf = Buffer.concat([buf, value]);
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

export function boundaryOf(contentType: string | null): string | null {
  const m = /boundary=("?)([^";]+)\1/i.exec(contentType ?? '');
  return m ? m[2] : null;
}
