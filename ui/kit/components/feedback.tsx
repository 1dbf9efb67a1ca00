/** Loading, empty and error states, and toasts: every resource shows one of them, never a blank area. */
import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import type { Resource } from '../hooks.js';
import { kitStrings as S } from '../strings.js';

export function Loading({ label = S.loading }: { label?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      {label}
    </p>
  );
}

export function Empty({ children }: { children?: ComponentChildren }) {
  return <div class="empty">{children ?? S.empty}</div>;
}

/** The API's message, shown where the failed action or load happened. 403 says why instead of a blank page. */
export function ErrorNote({ error, onRetry, onDismiss }: { error: ApiError | null; onRetry?: () => void; onDismiss?: () => void }) {
  if (!error) return null;
  const message = error.status === 403 && error.code === 'forbidden' ? S.forbidden : error.status === 0 ? `${S.offline} ${error.message}` : error.message;
  return (
    <div class="note error" role="alert">
      <strong>{S.errorPrefix}:</strong> {message}
      {(onRetry || onDismiss) && (
        <span class="row" style={{ marginTop: '0.4rem' }}>
          {onRetry && <button type="button" onClick={onRetry}>{S.retry}</button>}
          {onDismiss && <button type="button" class="link" onClick={onDismiss}>{S.dismiss}</button>}
        </span>
      )}
    </div>
  );
}

export function Note({ kind = 'info', children }: { kind?: 'info' | 'ok' | 'warn' | 'error'; children: ComponentChildren }) {
  return <div class={`note ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>{children}</div>;
}

/** Renders a resource: loading first, its error with a retry, an empty state, or the data. */
export function Async<T>({
  resource,
  isEmpty,
  empty,
  children,
}: {
  resource: Resource<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ComponentChildren;
  children: (data: T) => ComponentChildren;
}) {
  const { data, error, loading, reload } = resource;
  if (error && !data) return <ErrorNote error={error} onRetry={reload} />;
  if (data === null) return loading ? <Loading /> : <Empty />;
  return (
    <>
      {error && <ErrorNote error={error} onRetry={reload} />}
      {isEmpty?.(data) ? <Empty>{empty}</Empty> : children(data)}
    </>
  );
}

// ---- toasts: short confirmations of actions that succeeded (errors stay next to their control) ----
interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}
const ToastContext = createContext<(text: string, kind?: Toast['kind']) => void>(() => undefined);
export const useToast = () => useContext(ToastContext);

let nextToast = 1;
export function ToastProvider({ children }: { children: ComponentChildren }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);
  const show = useCallback((text: string, kind: Toast['kind'] = 'ok') => {
    const id = nextToast++;
    setToasts((t) => [...t.slice(-3), { id, kind, text }]);
    setTimeout(() => dismiss(id), kind === 'error' ? 10_000 : 4_000);
  }, []);
  return (
    <ToastContext.Provider value={show}>
      {children}
      <div class="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} class={`toast ${t.kind}`}>
            <span>{t.text}</span>
            <button type="button" class="link" onClick={() => dismiss(t.id)} aria-label={S.dismiss}>
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}
