import type { Response } from 'express';
import type { EventBus } from '../../events.js';
import type { Feature } from '../../util/feature.js';
import type { CameraStats } from '../../contracts/camera.js';
import type { Counts, FaceEvent } from '../../contracts/live.js';
import type { VisitEvent } from '../../contracts/visit.js';

export interface EventStreamOptions {
  maxClients: number;
  heartbeatMs: number;
  /** A client this far behind is disconnected instead of buffering without bound. */
  maxBacklogBytes: number;
}
export const defaultEventStreamOptions: EventStreamOptions = { maxClients: 50, heartbeatMs: 15_000, maxBacklogBytes: 1024 * 1024 };

/**
 * Server-sent events mirroring the MQTT topics (event name = topic below the base topic:
 * `visits`, `faces`, `counts`, `cameras/<id>/status`), so the web page needs no broker of its own.
 * Like retained MQTT messages, the last counts and each camera's last status are sent on connect.
 */
export class EventStream implements Feature {
  readonly name = 'event-stream';
  private readonly clients = new Set<Response>();
  private lastCounts: Counts | null = null;
  private readonly lastStatus = new Map<string, CameraStats>();
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly opts: EventStreamOptions;
  private readonly handlers = {
    visit: (e: VisitEvent) => this.broadcast('visits', e),
    face: (e: FaceEvent) => this.broadcast('faces', e),
    counts: (e: Counts) => {
      this.lastCounts = e;
      this.broadcast('counts', e);
    },
    cameraStatus: (e: CameraStats) => {
      this.lastStatus.set(e.cameraId, e);
      this.broadcast(`cameras/${e.cameraId}/status`, e);
    },
  };

  constructor(
    private readonly bus: EventBus,
    opts: Partial<EventStreamOptions> = {},
  ) {
    this.opts = { ...defaultEventStreamOptions, ...opts };
  }

  async start(): Promise<void> {
    if (this.heartbeat) return;
    this.bus.on('visit', this.handlers.visit);
    this.bus.on('face', this.handlers.face);
    this.bus.on('counts', this.handlers.counts);
    this.bus.on('cameraStatus', this.handlers.cameraStatus);
    this.heartbeat = setInterval(() => this.write(': keep-alive\n\n'), this.opts.heartbeatMs);
    this.heartbeat.unref();
  }

  async stop(): Promise<void> {
    this.bus.off('visit', this.handlers.visit);
    this.bus.off('face', this.handlers.face);
    this.bus.off('counts', this.handlers.counts);
    this.bus.off('cameraStatus', this.handlers.cameraStatus);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    for (const c of this.clients) c.end();
    this.clients.clear();
  }

  clientCount(): number {
    return this.clients.size;
  }

  attach(res: Response): boolean {
    if (this.clients.size >= this.opts.maxClients) return false;
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
    if (this.lastCounts) res.write(frame('counts', this.lastCounts));
    for (const s of this.lastStatus.values()) res.write(frame(`cameras/${s.cameraId}/status`, s));
    return true;
  }

  private broadcast(topic: string, payload: unknown): void {
    if (this.clients.size) this.write(frame(topic, payload));
  }

  private write(text: string): void {
    for (const c of this.clients) {
      if (c.writableLength > this.opts.maxBacklogBytes) {
        this.clients.delete(c);
        c.destroy();
        continue;
      }
      c.write(text);
    }
  }
}

function frame(topic: string, payload: unknown): string {
  return `event: ${topic}\ndata: ${JSON.stringify(payload)}\n\n`;
}
