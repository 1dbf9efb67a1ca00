import type { RequestHandler } from 'express';

/** Counts HTTP responses by method, route and status for /metrics (route = matched pattern, never raw paths). */
export class RequestMetrics {
  private readonly counts = new Map<string, number>();

  middleware(): RequestHandler {
    return (req, res, next) => {
      res.on('finish', () => {
        const route = (req.route?.path as string | undefined) ?? 'unmatched';
        const key = `${req.method}\u0000${route}\u0000${res.statusCode}`;
        this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
      });
      next();
    };
  }

  samples(): { labels: Record<string, string>; value: number }[] {
    return [...this.counts].map(([k, value]) => {
      const [method, route, status] = k.split('\u0000');
      return { labels: { method, route, status }, value };
    });
  }
}
