import type { CameraFrame } from '../frame/frame.js';
import { failure, type CameraFailure } from './failure.js';
import type { FrameSource, FrameSourceCounters } from './frame-source.js';
import { createPipeline, numericProperty, type GstAppSink, type GstBusMessage, type GstPipeline, type GstStructure } from './gst.js';
import { ELEMENT } from './pipeline-description.js';
import { err, ok, type Result } from '../util/result.js';

export interface GstFrameSourceOptions {
  cameraId: string;
  /** Full gst-launch description with elements named as in ELEMENT (see pipeline-description.ts). */
  description: string;
  /** Decoder element name for stats. */
  decoder: string;
  /** Files: seek back to the start at end of stream instead of ending. */
  loop: boolean;
  /** Files: fill `ptsMs` from the pipeline position (live sources leave it null). */
  reportPosition: boolean;
  /**
   * Decode the next frame only when the consumer calls the previous frame's `release()` (benchmarks: a file
   * read as fast as it is analysed, with no frame decoded just to be dropped). Default: pull continuously.
   */
  pullOnRelease?: boolean;
}

const SEEK_FLUSH_KEY_UNIT = 1 | 4;

/** Maps a GStreamer bus error to a human failure; `elementName` is the element that posted it. */
export function classifyBusError(message: string, elementName: string): CameraFailure {
  if (elementName === ELEMENT.decoder) return failure('decoder-failed', `${message} (decoder)`);
  if (/not found/i.test(message)) return failure('not-found', message);
  if (/could not open resource|could not read from resource|could not connect/i.test(message))
    return failure('unreachable', `${message} (${elementName})`);
  if (/internal data stream error/i.test(message))
    return failure('stream-error', `the stream could not be decoded (${elementName}: ${message})`);
  return failure('stream-error', `${message} (${elementName})`);
}

/**
 * A FrameSource on one gstreamer-superficial pipeline. The appsink is pulled one sample at a time (each
 * pull holds a threadpool thread until a frame arrives); the bus is polled for errors, warnings and EOS.
 */
export class GstFrameSource implements FrameSource {
  readonly decoder: string;
  private pipeline: GstPipeline | null = null;
  private sink: GstAppSink | null = null;
  private stopped = false;
  private seq = 0;
  private decodeErrors = 0;
  private width: number | null = null;
  private height: number | null = null;
  private stride = 0;
  /** A pull is pending (at most one at a time, so a source never holds more than one pull thread). */
  private pulling = false;
  /** Looping: the seek happened while a pull was pending; that pull returns null and must be re-issued. */
  private repullAfterSeek = false;
  /** pullOnRelease: the last frame is not released yet, so nothing is pulled. */
  private awaitingRelease = false;
  private finalCounters: FrameSourceCounters | null = null;
  private frameListeners: ((frame: CameraFrame) => void)[] = [];
  private failureListeners: ((f: CameraFailure) => void)[] = [];

  constructor(private readonly opts: GstFrameSourceOptions) {
    this.decoder = opts.decoder;
  }

  onFrame(listener: (frame: CameraFrame) => void): void {
    this.frameListeners.push(listener);
  }

  onFailure(listener: (f: CameraFailure) => void): void {
    this.failureListeners.push(listener);
  }

  start(): Result<void, CameraFailure> {
    if (this.pipeline || this.stopped) return err(failure('stream-error', 'a frame source starts only once'));
    const built = createPipeline(this.opts.description);
    if (!built.ok) {
      // "could not link h264parse0 to dec" / "no element "vah264dec"": the decoder cannot take this stream here.
      const decoderFault = built.error.includes(` ${ELEMENT.decoder}`) || built.error.includes(`"${this.decoder}"`);
      return err(failure(decoderFault ? 'decoder-failed' : 'stream-error', `cannot build the GStreamer pipeline: ${built.error}`));
    }
    const sink = built.pipeline.findChild(ELEMENT.sink) as GstAppSink | undefined;
    if (!sink || typeof sink.pull !== 'function') {
      built.pipeline.stop();
      return err(failure('stream-error', 'pipeline has no appsink named "sink"'));
    }
    this.pipeline = built.pipeline;
    this.sink = sink;
    built.pipeline.pollBus((msg) => this.onBus(msg));
    built.pipeline.play();
    this.pullNext();
    return ok(undefined);
  }

  stop(): void {
    if (this.stopped) return;
    // Keep the last counters: GStreamer resets them when a pipeline is played again.
    this.finalCounters = this.counters();
    this.stopped = true;
    // NULL state wakes the pending pull (returns null) and ends the bus poll, freeing both threads.
    this.pipeline?.stop();
  }

  counters(): FrameSourceCounters {
    if (this.finalCounters) return this.finalCounters;
    const rate = this.pipeline?.findChild(ELEMENT.rate);
    const passed = numericProperty(rate, 'out');
    return {
      decodedFrames: numericProperty(rate, 'in'),
      deliveredFrames: this.seq,
      // videorate's `out` counts frames sent on; the appsink overwrote those we never received.
      droppedFrames: Math.max(0, passed - this.seq - 1),
      decodeErrors: this.decodeErrors,
      width: this.width,
      height: this.height,
    };
  }

  private pullNext(): void {
    if (this.pulling || this.stopped || !this.sink) return;
    this.pulling = true;
    this.sink.pull((buf, caps) => this.onSample(buf, caps));
  }

  private onSample(buf: Buffer | null, caps: GstStructure): void {
    this.pulling = false;
    if (this.stopped) return;
    if (!buf) {
      // null = end of stream or a flushing seek; the bus EOS handler decides what happens next.
      if (this.repullAfterSeek) {
        this.repullAfterSeek = false;
        this.pullNext();
      }
      return;
    }
    this.repullAfterSeek = false;
    if (this.width === null || caps.width !== this.width) this.readCaps(caps, buf.length);
    const frame: CameraFrame = {
      cameraId: this.opts.cameraId,
      seq: this.seq++,
      capturedAt: Date.now(),
      ptsMs: this.opts.reportPosition ? this.positionMs() : null,
      data: new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength),
      width: this.width ?? 0,
      height: this.height ?? 0,
      stride: this.stride,
    };
    if (this.opts.pullOnRelease) {
      this.awaitingRelease = true;
      frame.release = () => {
        if (!this.awaitingRelease) return; // released already
        this.awaitingRelease = false;
        this.pullNext();
      };
    }
    for (const l of this.frameListeners) l(frame);
    if (!this.stopped && !this.opts.pullOnRelease) this.pullNext();
  }

  private readCaps(caps: GstStructure, byteLength: number): void {
    this.width = Number(caps.width);
    this.height = Number(caps.height);
    // GStreamer pads RGB rows to 4 bytes; the buffer size tells the real stride.
    this.stride = this.height > 0 ? Math.floor(byteLength / this.height) : this.width * 3;
  }

  private positionMs(): number | null {
    const s = this.pipeline?.queryPosition() ?? -1;
    return s >= 0 ? Math.round(s * 1000) : null;
  }

  private onBus(msg: GstBusMessage): void {
    if (this.stopped) return;
    switch (msg.type) {
      case 'error':
        this.fail(classifyBusError(msg.message ?? 'unknown GStreamer error', msg._src_element_name));
        break;
      case 'warning':
        if (msg._src_element_name === ELEMENT.decoder) this.decodeErrors++;
        break;
      case 'eos':
        if (this.opts.loop && this.pipeline?.seek(0, SEEK_FLUSH_KEY_UNIT)) {
          if (this.pulling) this.repullAfterSeek = true;
          else if (!this.awaitingRelease) this.pullNext();
        } else this.fail(failure('stream-ended', this.opts.loop ? 'could not seek back to the start' : 'end of stream'));
        break;
    }
  }

  private fail(f: CameraFailure): void {
    if (this.stopped) return;
    if (f.kind === 'decoder-failed') this.decodeErrors++;
    this.stop();
    for (const l of this.failureListeners) l(f);
  }
}
