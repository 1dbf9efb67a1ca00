import { stat } from 'node:fs/promises';
import { codecFromCapsName, type Codec } from './codec.js';
import { failure, type CameraFailure } from './failure.js';
import { createPipeline, launchQuote, type GstAppSink } from './gst.js';
import { err, ok, type Result } from '../util/result.js';

/**
 * Finds a video file's codec: parsebin demuxes and parses it, and the first video sample's caps name the codec.
 * A missing file or a codec we cannot decode becomes a clear failure instead of a pipeline error later.
 */
export async function probeFile(path: string, timeoutMs: number): Promise<Result<{ codec: Codec }, CameraFailure>> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return err(failure('not-found', `${path} is not a file`));
  } catch {
    return err(failure('not-found', `no such file: ${path}`));
  }
  const built = createPipeline(
    `filesrc location=${launchQuote(path)} ! parsebin ! appsink name=sink sync=false max-buffers=1 drop=true ` +
      `caps="video/x-h264;video/x-h265;image/jpeg"`,
  );
  if (!built.ok) return err(failure('stream-error', built.error));
  const { pipeline } = built;
  const sink = pipeline.findChild('sink') as GstAppSink;
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: Result<{ codec: Codec }, CameraFailure>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      pipeline.stop();
      resolve(r);
    };
    const timer = setTimeout(() => finish(err(failure('stream-error', `could not read ${path} within ${timeoutMs} ms`))), timeoutMs);
    pipeline.pollBus((msg) => {
      if (msg.type === 'error' || msg.type === 'eos')
        finish(err(failure('unsupported-codec', `${path} has no H.264, H.265 or MJPEG video (${msg.message ?? msg.type})`)));
    });
    pipeline.play();
    sink.pull((buf, caps) => {
      const codec = buf ? codecFromCapsName(caps.name) : null;
      finish(codec ? ok({ codec }) : err(failure('unsupported-codec', `${path} has no H.264, H.265 or MJPEG video`)));
    });
  });
}
