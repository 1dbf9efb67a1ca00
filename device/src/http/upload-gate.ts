import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

export interface UploadGateOptions {
  /** Photo uploads decoded at once (each can hold ten 10 MB photos in memory). */
  inFlight: number;
  /** Uploads waiting for a turn; beyond this the request is refused with 429 before its body is read. */
  queued: number;
}

export const UPLOAD_GATE_DEFAULTS: UploadGateOptions = { inFlight: 2, queued: 4 };

/**
 * Bounds photo uploads across the whole API, so no burst of uploads can take the memory or the CPU the
 * camera pipeline needs: a few run, a few wait (their bodies not yet read), the rest get a clear 429.
 */
export class UploadGate {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly opts: UploadGateOptions = UPLOAD_GATE_DEFAULTS) {}

  middleware(): RequestHandler {
    return (req, res, next) => {
      if (this.running >= this.opts.inFlight && this.waiting.length >= this.opts.queued) {
        res.set('Retry-After', '2');
        return next(new HttpError(429, 'rate_limited', 'too many photo uploads at once; try again in a moment'));
      }
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.running--;
        this.waiting.shift()?.();
      };
      const admit = () => {
        this.running++;
        res.once('finish', release);
        res.once('close', release);
        next();
      };
      if (this.running < this.opts.inFlight) return admit();
      this.waiting.push(admit);
      // A client that gives up while waiting leaves the queue at once.
      req.once('close', () => {
        const i = this.waiting.indexOf(admit);
        if (i >= 0) this.waiting.splice(i, 1);
      });
    };
  }
}
