import type { Codec } from './codec.js';
import type { DecoderCandidate } from './decoder.js';
import { launchQuote } from './gst.js';
import type { SourceSpec } from './source-spec.js';

/** What the analysis wants out of a camera. */
export interface OutputFormat {
  /** Output width in pixels; the height follows the source's aspect ratio unless `height` is set. */
  width: number;
  height?: number;
  /** Frames per second handed to analysis; extra frames are dropped inside GStreamer (never duplicated). */
  fps: number;
  /** Files only: play at the clip's own speed (true, like a camera) or as fast as the consumer pulls (false, benchmarks). */
  realtime: boolean;
}

/** Frame rate declared to videorate for inputs that announce none (see buildPipelineDescription). */
const NOMINAL_INPUT_RATE = '30/1';

/** Element names the frame source looks up in every pipeline. */
export const ELEMENT = { sink: 'sink', rate: 'rate', decoder: 'dec' } as const;

/** A GStreamer fraction for fps (0.2 → "1/5", 10 → "10/1", 7.5 → "15/2"). */
export function fpsFraction(fps: number): string {
  for (const den of [1, 2, 3, 4, 5, 6, 8, 10, 100, 1000]) {
    const num = fps * den;
    if (Math.abs(num - Math.round(num)) < 1e-6) return `${Math.round(num)}/${den}`;
  }
  return `${Math.round(fps * 1000)}/1000`;
}

/** Source element(s) up to a parsed elementary stream (or raw video for USB raw). */
function sourceFragment(spec: SourceSpec, codec: Codec): string {
  switch (spec.kind) {
    case 'rtsp': {
      const depay = codec === 'h265' ? 'rtph265depay ! h265parse' : 'rtph264depay ! h264parse';
      // tcp-timeout bounds connection attempts (µs); latency is the jitter buffer (ms), small for live analysis.
      return (
        `rtspsrc location=${launchQuote(spec.url)} protocols=${spec.transport} latency=200 drop-on-latency=true ` +
        `tcp-timeout=5000000 timeout=5000000 ! ${depay}`
      );
    }
    case 'file': {
      const parse = codec === 'h265' ? ' ! h265parse' : codec === 'h264' ? ' ! h264parse' : '';
      const caps = codec === 'h265' ? 'video/x-h265' : codec === 'mjpeg' ? 'image/jpeg' : 'video/x-h264';
      return `filesrc location=${launchQuote(spec.path)} ! parsebin ! ${caps}${parse}`;
    }
    case 'usb':
      return codec === 'mjpeg'
        ? `v4l2src device=${launchQuote(spec.device)} ! image/jpeg`
        : `v4l2src device=${launchQuote(spec.device)} ! video/x-raw`;
    case 'http':
      return `souphttpsrc location=${launchQuote(spec.url)} is-live=true do-timestamp=true timeout=10 ! multipartdemux ! image/jpeg`;
  }
}

/**
 * The whole gst-launch description: source → (depay/parse) → decoder → rate limit → scale → RGB → appsink.
 * Frames are dropped by `videorate` before scaling so skipped frames cost no scaling; the appsink keeps
 * only the newest frame (max-buffers=1 drop=true) so a slow consumer never builds a backlog. The exception
 * is a file read as fast as possible (realtime=false, benchmarks): there every analysed frame is kept.
 */
export function buildPipelineDescription(spec: SourceSpec, codec: Codec, decoder: DecoderCandidate, out: OutputFormat): string {
  const size = `width=${out.width}` + (out.height ? `,height=${out.height}` : '');
  const sync = spec.kind === 'file' && out.realtime;
  // A file read as fast as possible must not lose frames to a busy consumer: back-pressure instead of dropping.
  const drop = !(spec.kind === 'file' && !out.realtime);
  return [
    sourceFragment(spec, codec),
    decoder.chain,
    // MJPEG over HTTP and many RTSP cameras announce a variable frame rate (0/1), which videorate cannot
    // negotiate (and without caps it even aborts the process on an assertion). Declaring a nominal rate is
    // safe: with drop-only, videorate decides from the buffer timestamps, never from the declared rate.
    `capssetter caps=${launchQuote(`video/x-raw,framerate=${NOMINAL_INPUT_RATE}`)}`,
    `videorate name=${ELEMENT.rate} drop-only=true`,
    `video/x-raw,framerate=${fpsFraction(out.fps)}`,
    'videoscale',
    'videoconvert',
    `video/x-raw,format=RGB,${size},pixel-aspect-ratio=1/1`,
    `appsink name=${ELEMENT.sink} max-buffers=1 drop=${drop} sync=${sync}`,
  ].join(' ! ');
}
