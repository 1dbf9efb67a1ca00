import type { CameraConfig, CameraState, CameraStats } from '../contracts/camera.js';
import type { EventBus } from '../events.js';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';
import { Backoff, type BackoffOptions } from '../util/backoff.js';
import type { Codec } from './codec.js';
import type { DecoderCandidate } from './decoder.js';
import { failure, isConfigurationFailure, type CameraFailure } from './failure.js';
import type { CameraFrame } from '../frame/frame.js';
import type { FrameSource, FrameSourceCounters } from './frame-source.js';
import type { PlatformFacts } from './platform.js';
import { RateMeter } from './rate-meter.js';
import { CandidateCursor, createFrameSource, planSource } from './source-plan.js';
import { redactUrl } from './source-spec.js';

/** Camera retries: 1 s doubling to 30 s, no jitter (one box, one schedule). */
const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 30_000, factor: 2 };

export interface CameraSupervisorOptions {
  config: CameraConfig;
  facts: PlatformFacts;
  /** Status changes (and a periodic refresh while running) are emitted as `cameraStatus`. */
  bus?: EventBus;
  backoff?: BackoffOptions;
  /** Time allowed for the RTSP/HTTP/file probe. Default 5 s. */
  probeTimeoutMs?: number;
  /** A new connection must deliver its first frame within this. Default 20 s (RTSP waits for a keyframe). */
  firstFrameTimeoutMs?: number;
  /** Watchdog: restart when a running camera sends nothing for this long. Default max(5 s, 3 analysis frames). */
  stallMs?: number;
  /** Files play at their own speed (true, default) or as fast as frames are consumed (false, benchmarks). */
  realtime?: boolean;
  /**
   * With realtime=false: decode the next frame only once the consumer calls the previous frame's `release()`
   * (the analysis benchmark: no frame decoded just to be dropped). Frames must then be released, or the
   * watchdog restarts the stalled camera.
   */
  pullOnRelease?: boolean;
  /** Re-emit the status this often while running. Default 5 s. */
  statusIntervalMs?: number;
  log?: Logger;
}

const TICK_MS = 1_000;
type Totals = Omit<FrameSourceCounters, 'width' | 'height'>;
const ZERO: Totals = { decodedFrames: 0, deliveredFrames: 0, droppedFrames: 0, decodeErrors: 0 };

/**
 * Keeps one camera streaming: probes it, starts a frame source with the best decoder, restarts it with capped
 * exponential backoff after any failure, restarts it when frames stop (watchdog on last-frame age), falls back
 * to the next decoder when one fails, and keeps live stats. Failures are reported as status, never thrown.
 */
export class CameraSupervisor implements Feature {
  readonly name: string;
  readonly config: CameraConfig;
  private readonly facts: PlatformFacts;
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private readonly frameListeners = new Set<(frame: CameraFrame) => void>();
  private readonly statusListeners = new Set<(stats: CameraStats) => void>();

  private state: CameraState = 'stopped';
  private lastError: string | null = null;
  private reconnects = 0;
  private generation = 0;
  private source: FrameSource | null = null;
  private decoder: DecoderCandidate | null = null;
  private codec: Codec | null = null;
  private cursor: CandidateCursor | null = null;
  private cursorKey = '';
  private retryTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  private attemptStartedAt = 0;
  private lastFrameAt: number | null = null;
  private framesThisRun = 0;
  private lastStatusAt = 0;
  private finished: Totals = { ...ZERO };
  private width: number | null = null;
  private height: number | null = null;
  private readonly inputRate = new RateMeter();
  private readonly analysedRate = new RateMeter();

  constructor(private readonly opts: CameraSupervisorOptions) {
    this.config = opts.config;
    this.facts = opts.facts;
    this.name = `camera:${opts.config.id}`;
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF);
    this.log = opts.log ?? createLogger(this.name);
  }

  /** Subscribes to analysed frames; returns the unsubscribe function. */
  onFrame(listener: (frame: CameraFrame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Subscribes to status changes; returns the unsubscribe function. */
  onStatus(listener: (stats: CameraStats) => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.tickTimer) return;
    this.tickTimer = setInterval(() => this.tick(), TICK_MS);
    this.tickTimer.unref();
    this.setState('starting');
    void this.connect();
  }

  async stop(): Promise<void> {
    this.generation++;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.tickTimer = null;
    this.retryTimer = null;
    this.teardownSource();
    this.setState('stopped');
  }

  stats(): CameraStats {
    const now = Date.now();
    const t = this.totals();
    return {
      cameraId: this.config.id,
      state: this.state,
      lastError: this.lastError,
      decoder: this.decoder?.element ?? null,
      inputFps: round1(this.inputRate.perSecond()),
      analysedFps: round1(this.analysedRate.perSecond()),
      droppedFrames: t.droppedFrames,
      decodeErrors: t.decodeErrors,
      reconnects: this.reconnects,
      lastFrameAgeMs: this.lastFrameAt === null ? null : now - this.lastFrameAt,
      width: this.width,
      height: this.height,
    };
  }

  /** The codec found by the last probe (null before the first successful probe). */
  currentCodec(): Codec | null {
    return this.codec;
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    const plan = await planSource(this.config, this.opts.probeTimeoutMs ?? 5_000);
    if (gen !== this.generation) return;
    if (!plan.ok) return this.retryAfter(plan.error);
    // Keep the decoder fallback position across reconnects unless the camera's codec changed.
    const key = plan.value.codecs.join(',');
    if (!this.cursor || key !== this.cursorKey) {
      this.cursor = new CandidateCursor(plan.value, this.facts, this.config.decoder);
      this.cursorKey = key;
    }
    const choice = this.cursor.current();
    if (!choice.ok) return this.retryAfter(choice.error);
    const { codec, decoder } = choice.value;
    const source = createFrameSource(this.config, plan.value.spec, codec, decoder, this.opts.realtime ?? true, this.opts.pullOnRelease);
    source.onFrame((f) => this.handleFrame(f, gen));
    source.onFailure((f) => this.handleFailure(f, gen));
    this.source = source;
    this.decoder = decoder;
    this.codec = codec;
    this.attemptStartedAt = Date.now();
    this.framesThisRun = 0;
    this.log.info('starting', { url: redactUrl(this.config.url), codec, decoder: decoder.element, why: decoder.reason });
    const started = source.start();
    if (!started.ok) this.handleFailure(started.error, gen);
  }

  private handleFrame(frame: CameraFrame, gen: number): void {
    if (gen !== this.generation) return;
    this.lastFrameAt = frame.capturedAt;
    this.width = frame.width;
    this.height = frame.height;
    if (this.framesThisRun++ === 0) {
      this.backoff.reset();
      this.setState('running');
      this.log.info('running', { width: frame.width, height: frame.height, decoder: this.decoder?.element });
    }
    for (const l of this.frameListeners) {
      try {
        l(frame);
      } catch (e) {
        // A consumer's bug must not stop the camera.
        this.log.error('frame listener threw', { error: e instanceof Error ? e.message : String(e) });
      }
    }
  }

  private handleFailure(f: CameraFailure, gen: number): void {
    if (gen !== this.generation) return;
    this.teardownSource();
    const neverRan = this.framesThisRun === 0;
    const decoderTrouble = f.kind === 'decoder-failed' || (f.kind === 'stalled' && neverRan && this.decoder?.hardware);
    if (decoderTrouble && this.cursor?.nextDecoder()) {
      this.log.warn('decoder fallback', { failed: this.decoder?.element, reason: f.message });
      this.lastError = f.message;
      return this.scheduleConnect(0);
    }
    if (f.kind === 'stream-error' && neverRan && this.cursor?.nextCodec()) {
      this.log.warn('trying the next codec', { reason: f.message });
      return this.scheduleConnect(0);
    }
    if (f.kind === 'stream-ended') {
      if (this.config.url.startsWith('file:') && !this.config.loop) {
        // A file played once has simply finished.
        this.lastError = f.message;
        if (this.tickTimer) clearInterval(this.tickTimer);
        this.tickTimer = null;
        return this.setState('stopped');
      }
      // A live camera never ends on purpose: it went away (restart, power cut).
      return this.retryAfter(failure('stream-ended', 'the camera closed the stream'));
    }
    this.retryAfter(f);
  }

  private retryAfter(f: CameraFailure): void {
    this.lastError = f.message;
    this.reconnects++;
    const delay = this.backoff.next();
    this.log.warn('camera failed, retrying', { reason: f.message, retryInMs: delay });
    this.setState(isConfigurationFailure(f) ? 'error' : 'reconnecting');
    this.scheduleConnect(delay);
  }

  private scheduleConnect(delayMs: number): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const gen = this.generation;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (gen === this.generation) void this.connect();
    }, delayMs);
  }

  private teardownSource(): void {
    if (!this.source) return;
    this.source.stop();
    this.addToTotals(this.finished, this.source.counters());
    this.source = null;
  }

  private totals(): Totals {
    const t = { ...this.finished };
    if (this.source) this.addToTotals(t, this.source.counters());
    return t;
  }

  private addToTotals(t: Totals, c: FrameSourceCounters): void {
    t.decodedFrames += c.decodedFrames;
    t.deliveredFrames += c.deliveredFrames;
    t.droppedFrames += c.droppedFrames;
    t.decodeErrors += c.decodeErrors;
  }

  /** Once a second: sample rates, run the watchdog, refresh the status. */
  private tick(): void {
    const now = Date.now();
    const t = this.totals();
    this.inputRate.sample(t.decodedFrames, now);
    this.analysedRate.sample(t.deliveredFrames, now);
    if (this.source) {
      const fps = this.config.analysisFps;
      const stallMs = this.opts.stallMs ?? Math.max(5_000, 3_000 / fps);
      const firstMs = this.opts.firstFrameTimeoutMs ?? Math.max(20_000, stallMs);
      if (this.framesThisRun === 0 && now - this.attemptStartedAt > firstMs)
        this.handleFailure(failure('stalled', `no frame within ${Math.round(firstMs / 1000)} s of connecting`), this.generation);
      else if (this.framesThisRun > 0 && this.lastFrameAt !== null && now - this.lastFrameAt > stallMs)
        this.handleFailure(failure('stalled', `no frame for ${Math.round((now - this.lastFrameAt) / 1000)} s`), this.generation);
    }
    if (this.state === 'running' && now - this.lastStatusAt >= (this.opts.statusIntervalMs ?? 5_000)) this.emitStatus();
  }

  private setState(state: CameraState): void {
    this.state = state;
    this.emitStatus();
  }

  private emitStatus(): void {
    this.lastStatusAt = Date.now();
    const s = this.stats();
    this.opts.bus?.emit('cameraStatus', s);
    for (const l of this.statusListeners) l(s);
  }
}

const round1 = (x: number) => Math.round(x * 10) / 10;
