import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Feature } from '../util/feature.js';
import { createLogger, type Logger } from '../util/log.js';

export interface HttpServerOptions {
  /** settings.http.port; 0 picks a free port (tests). */
  port: number;
  host: string;
  /** Called with the node server before it listens, e.g. to attach MQTT over WebSocket at /mqtt. */
  attach?: (server: Server) => void;
  /** Called with the bound port once listening (the appliance writes it for the container's HEALTHCHECK). */
  listening?: (port: number) => void;
  log?: Logger;
}

/** The HTTP listener as a Feature: start() listens, stop() closes it and every open stream. */
export class HttpServer implements Feature {
  readonly name = 'http';
  private server: Server | null = null;
  private readonly log: Logger;

  constructor(
    private readonly app: Express,
    private readonly opts: HttpServerOptions,
  ) {
    this.log = opts.log ?? createLogger('http');
  }

  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer({ requestTimeout: 60_000, headersTimeout: 20_000 }, this.app);
    // Live streams stay open for hours: no socket idle timeout, only the request timeouts above.
    server.timeout = 0;
    server.keepAliveTimeout = 5_000;
    this.opts.attach?.(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.opts.listening?.(this.port());
    this.log.info('listening', { url: this.url() });
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // MJPEG and event streams never end by themselves.
      server.closeAllConnections();
    });
  }

  /** The bound port (the real one when configured with 0). */
  port(): number {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error('HTTP server is not listening');
    return a.port;
  }

  url(): string {
    const host = this.opts.host === '0.0.0.0' || this.opts.host === '::' ? '127.0.0.1' : this.opts.host;
    return `http://${host}:${this.port()}`;
  }

  nodeServer(): Server | null {
    return this.server;
  }
}
