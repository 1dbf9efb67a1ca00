/** Data hooks shared by every page: loading a resource, running an action, live event streams, timers. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api.js';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, 'client', e instanceof Error ? e.message : String(e));
}

/** Loads once per change of `deps`; a stale answer (deps changed meanwhile) is dropped. */
export function useApi<T>(load: () => Promise<T>, deps: unknown[] = []): Resource<T> {
  const [state, setState] = useState<{ data: T | null; error: ApiError | null; loading: boolean }>({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => current && setState({ data, error: null, loading: false }),
      (e) => current && setState((s) => ({ data: s.data, error: asApiError(e), loading: false })),
    );
    return () => {
      current = false;
    };
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

export interface Action<A extends unknown[], T> {
  run: (...args: A) => Promise<T | undefined>;
  busy: boolean;
  error: ApiError | null;
  clear: () => void;
}

/** Runs a user action: busy while it runs, its error kept for showing next to the control that started it. */
export function useAction<A extends unknown[], T>(fn: (...args: A) => Promise<T>): Action<A, T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const run = useCallback(async (...args: A) => {
    setBusy(true);
    setError(null);
    try {
      return await fnRef.current(...args);
    } catch (e) {
      setError(asApiError(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clear: () => setError(null) };
}

/** Calls `fn` every `ms` while mounted (and the tab is visible). */
export function useInterval(fn: () => void, ms: number | null): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (ms === null) return;
    const id = setInterval(() => document.visibilityState === 'visible' && ref.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

export type StreamState = 'connecting' | 'open' | 'closed';

/**
 * Subscribes to a server-sent event stream (e.g. /api/v1/events); `handlers` are keyed by event name.
 * The browser reconnects by itself; the state says whether the feed is live.
 */
export function useEventSource(url: string | null, handlers: Record<string, (data: unknown) => void>): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  const ref = useRef(handlers);
  ref.current = handlers;
  const names = Object.keys(handlers).sort().join('|');
  useEffect(() => {
    if (!url) return;
    const es = new EventSource(url, { withCredentials: true });
    es.onopen = () => setState('open');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'closed' : 'connecting');
    const listeners = names.split('|').map((name) => {
      const l = (e: MessageEvent) => {
        try {
          ref.current[name]?.(JSON.parse(e.data));
        } catch {
          // A malformed event is skipped; the next one carries the current state.
        }
      };
      es.addEventListener(name, l as EventListener);
      return [name, l] as const;
    });
    return () => {
      for (const [n, l] of listeners) es.removeEventListener(n, l as EventListener);
      es.close();
    };
  }, [url, names]);
  return state;
}

export interface CursorPages {
  /** 1-based page number. */
  page: number;
  /** The cursor to load the current page with (undefined: the first page). */
  cursor: string | undefined;
  /** Props for <Pager>, given the answer's nextCursor. */
  pager: (nextCursor: string | null | undefined) => { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void };
}

/**
 * Cursor paging (the API answers `nextCursor`): a stack of the cursors that started each page seen, back to
 * the first page whenever `resetKey` (e.g. the filters) changes.
 */
export function useCursorPages(resetKey = ''): CursorPages {
  const [state, setState] = useState<{ key: string; stack: Array<string | undefined> }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  return {
    page: stack.length,
    cursor: stack[stack.length - 1],
    pager: (nextCursor) => ({
      page: stack.length,
      hasNext: !!nextCursor,
      onPrev: () => setState({ key: resetKey, stack: stack.length > 1 ? stack.slice(0, -1) : stack }),
      onNext: () => nextCursor && setState({ key: resetKey, stack: [...stack, nextCursor] }),
    }),
  };
}
