import type { Response } from 'express';
import type { CameraFrame, FrameFeed } from '../../frame/frame.js';
import type { FaceEvent } from '../../contracts/live.js';
import type { EventBus } from '../../events.js';
import type { Feature } from '../../util/feature.js';
import { createLogger, type Logger } from '../../util/log.js';
import { encodeAnnotated } from './encode.js';


export interface LiveViewOptions {
  /** Most frames per second encoded per camera (shared by all of its clients). */
  maxFps: number;
  maxClientsPerCamera: number;
  maxClientsTotal: number;
  /** A face box is drawn for this long after its last recognition event. */
  faceTtlMs: number;
  jpegQuality: number;
  /** A client with more than this many bytes unsent skips frames instead of buffering them. */
  maxBacklogBytes: number;
}
export const defaultLiveViewOptions: LiveViewOptions = {
  maxFps: 10,
  maxClientsPerCamera: 8,
  maxClientsTotal: 16,
  faceTtlMs: 1000,
  jpegQuality: 75,
  maxBacklogBytes: 2 * 1024 * 1024,
};

const BOUNDARY = 'cvaframe';

interface Client {
  res: Response;
  minIntervalMs: number;
  lastSentAt: number;
  /** Sequence number of the frame last written to this client. */
  sentSeq: number;
}

interface CameraLive {
  latest: CameraFrame | null;
  faces: Map<string, { event: FaceEvent; seenAt: number }>;
  clients: Set<Client>;
  jpeg: Buffer | null;
  jpegSeq: number;
  encoding: boolean;
  lastEncodeAt: number;
  timer: NodeJS.Timeout | null;
}

export type AttachResult = { ok: true } | { ok: false; reason: 'too_many_clients' };

/**
 * MJPEG live view: keeps each camera's latest frame and recent face boxes, encodes at most maxFps
 * annotated JPEGs per camera — once per frame, shared by every client — and writes them as
 * multipart/x-mixed-replace. Frames are only encoded while someone watches.
 */
export class LiveView implements Feature {
  readonly name = 'live-view';
  private readonly cams = new Map<string, CameraLive>();
  private unsubscribe: (() => void) | null = null;
  private readonly onFace = (e: FaceEvent) => {
    this.cam(e.cameraId).faces.set(e.trackId, { event: e, seenAt: Date.now() });
  };
  readonly opts: LiveViewOptions;
  /** Frames encoded so far (all cameras): what the benchmark and metrics read. */
  encodedFrames = 0;

  constructor(
    private readonly feed: FrameFeed,
    private readonly bus: EventBus,
    opts: Partial<LiveViewOptions> = {},
    private readonly log: Logger = createLogger('live'),
  ) {
    this.opts = { ...defaultLiveViewOptions, ...opts };
  }

  async start(): Promise<void> {
    if (this.unsubscribe) return;
    const off = this.feed.onFrame((f) => this.onFrame(f));
    this.bus.on('face', this.onFace);
    this.unsubscribe = () => {
      off();
      this.bus.off('face', this.onFace);
    };
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    for (const c of this.cams.values()) {
      if (c.timer) clearTimeout(c.timer);
      for (const client of c.clients) client.res.end();
      c.clients.clear();
    }
  }

  clientCount(): number {
    let n = 0;
    for (const c of this.cams.values()) n += c.clients.size;
    return n;
  }

  hasFrame(cameraId: string): boolean {
    return this.cams.get(cameraId)?.latest != null;
  }

  private cam(id: string): CameraLive {
    let c = this.cams.get(id);
    if (!c) {
      c = { latest: null, faces: new Map(), clients: new Set(), jpeg: null, jpegSeq: -1, encoding: false, lastEncodeAt: 0, timer: null };
      this.cams.set(id, c);
    }
    return c;
  }

  private onFrame(frame: CameraFrame): void {
    const c = this.cam(frame.cameraId);
    c.latest = frame;
    if (c.clients.size > 0) this.schedule(frame.cameraId, c);
  }

  private schedule(id: string, c: CameraLive): void {
    if (c.encoding || c.timer) return;
    const wait = c.lastEncodeAt + 1000 / this.opts.maxFps - Date.now();
    if (wait > 0) {
      c.timer = setTimeout(() => {
        c.timer = null;
        this.schedule(id, c);
      }, wait);
      return;
    }
    void this.encodeAndSend(id, c);
  }

  private currentFaces(c: CameraLive): FaceEvent[] {
    const now = Date.now();
    for (const [k, v] of c.faces) if (now - v.seenAt > this.opts.faceTtlMs) c.faces.delete(k);
    return [...c.faces.values()].map((v) => v.event);
  }

  /** Encodes the latest frame if it is newer than the last JPEG; null when the camera has no frame. */
  private async freshJpeg(c: CameraLive): Promise<Buffer | null> {
    const frame = c.latest;
    if (!frame) return null;
    if (c.jpeg && c.jpegSeq === frame.seq) return c.jpeg;
    c.jpeg = await encodeAnnotated(frame, this.currentFaces(c), this.opts.jpegQuality);
    c.jpegSeq = frame.seq;
    this.encodedFrames++;
    return c.jpeg;
  }

  private async encodeAndSend(id: string, c: CameraLive): Promise<void> {
    c.encoding = true;
    c.lastEncodeAt = Date.now();
    try {
      const jpeg = await this.freshJpeg(c);
      if (jpeg) for (const client of c.clients) if (client.sentSeq !== c.jpegSeq) this.sendPart(client, jpeg, c.jpegSeq);
    } catch (e) {
      this.log.warn('live frame encode failed', { cameraId: id, error: String(e) });
    } finally {
      c.encoding = false;
    }
    // A newer frame may have arrived while encoding.
    if (c.clients.size > 0 && c.latest && c.latest.seq !== c.jpegSeq) this.schedule(id, c);
  }

  private sendPart(client: Client, jpeg: Buffer, seq: number): void {
    const now = Date.now();
    if (now - client.lastSentAt < client.minIntervalMs) return;
    if (client.res.writableLength > this.opts.maxBacklogBytes) return;
    client.lastSentAt = now;
    client.sentSeq = seq;
    client.res.write(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
    client.res.write(jpeg);
    client.res.write('\r\n');
  }

  /** Starts an MJPEG response for one client; refuses beyond the client bounds. */
  attach(cameraId: string, res: Response, fps?: number): AttachResult {
    const c = this.cam(cameraId);
    if (c.clients.size >= this.opts.maxClientsPerCamera || this.clientCount() >= this.opts.maxClientsTotal)
      return { ok: false, reason: 'too_many_clients' };
    const client: Client = { res, minIntervalMs: fps ? 1000 / Math.min(fps, this.opts.maxFps) - 5 : 0, lastSentAt: 0, sentSeq: -1 };
    res.writeHead(200, {
      'Content-Type': `multipart/x-mixed-replace; boundary=${BOUNDARY}`,
      'Cache-Control': 'no-store, no-cache, must-revalidate',
      Pragma: 'no-cache',
      Connection: 'close',
      'X-Content-Type-Options': 'nosniff',
    });
    c.clients.add(client);
    res.on('close', () => c.clients.delete(client));
    // Show the current picture at once instead of waiting for the next frame.
    if (c.jpeg && c.latest && c.jpegSeq === c.latest.seq) this.sendPart(client, c.jpeg, c.jpegSeq);
    else if (c.latest) this.schedule(cameraId, c);
    return { ok: true };
  }

  /** The latest annotated JPEG of a camera, or null when it has produced no frame yet. */
  async snapshot(cameraId: string): Promise<Buffer | null> {
    const c = this.cams.get(cameraId);
    return c ? this.freshJpeg(c) : null;
  }
}
