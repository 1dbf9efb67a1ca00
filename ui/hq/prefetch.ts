/**
 * Starts a GET before the page that needs it has loaded (the fleet, while the session is checked and the
 * page's code arrives); the page takes the answer once, if it is recent. Anything else loads as usual.
 */
import { api } from './api.js';

const FRESH_MS = 10_000;
const started = new Map<string, { at: number; answer: Promise<unknown> }>();

export function prefetch(path: string): void {
  const answer = api.get(path);
  answer.catch(() => undefined); // a signed-out visitor: the page shows sign-in, nobody takes this answer
  started.set(path, { at: Date.now(), answer });
}

export function takePrefetched<T>(path: string): Promise<T> | null {
  const p = started.get(path);
  started.delete(path);
  return p && Date.now() - p.at < FRESH_MS ? (p.answer as Promise<T>) : null;
}
