/**
 * The one HTTP client of the pages: same-origin JSON calls under /api/v1, the session cookie sent by
 * the browser, the CSRF double-submit header on unsafe methods, and the API's error body turned into
 * an ApiError carrying its code and message (shown where the action happened).
 */
import type { ErrorBody } from './contracts.js';

/** Where the page's API lives and how it names its CSRF cookie: the appliance's by default; HQ's page sets its own. */
export interface ApiConfig {
  base: string;
  csrfCookie: string;
  /** What "no answer" says (which server did not answer). */
  offlineMessage: string;
}
const config: ApiConfig = {
  base: '/api/v1',
  csrfCookie: 'cva_csrf',
  offlineMessage: 'the appliance did not answer (is it restarting, or is the network down?)',
};
export function configureApi(c: Partial<ApiConfig>): void {
  Object.assign(config, c);
}
const CSRF_HEADER = 'X-CSRF-Token';

export type Query = Record<string, string | number | boolean | undefined | null>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

/** Listeners told when a call answers 401 (the shell then shows sign-in). */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

function csrfToken(): string {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === config.csrfCookie) return decodeURIComponent(v.join('='));
  }
  return '';
}

/** Builds `/api/v1/<path>?<query>` leaving out empty values. */
export function apiUrl(path: string, query?: Query): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return `${config.base}${path}${s ? `?${s}` : ''}`;
}

/** The API's message, with each invalid field named (validation errors carry `details: [{path, message}]`). */
function messageOf(e: ErrorBody['error'] | undefined, fallback: string): string {
  if (!e) return fallback;
  const details = Array.isArray(e.details) ? (e.details as Array<{ path?: string; message?: string }>) : [];
  const fields = details.filter((d) => d && typeof d.message === 'string').map((d) => (d.path ? `${d.path}: ${d.message}` : d.message));
  return fields.length ? `${e.message} — ${fields.join('; ')}` : e.message;
}

async function errorOf(res: Response): Promise<ApiError> {
  const retry = Number(res.headers.get('Retry-After'));
  let body: Partial<ErrorBody> | null = null;
  try {
    body = (await res.json()) as ErrorBody;
  } catch {
    // Not our JSON error body (a proxy's page, a dropped connection): the status says enough.
  }
  const e = body?.error;
  return new ApiError(res.status, e?.code ?? 'http_' + res.status, messageOf(e, `${res.status} ${res.statusText}`), Number.isFinite(retry) && retry > 0 ? retry : null);
}

async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers[CSRF_HEADER] = csrfToken();
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(apiUrl(path, query), { method, headers, body: payload, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'offline', config.offlineMessage);
  }
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && !path.startsWith('/auth/login')) for (const l of unauthenticatedListeners) l();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/**
 * Uploads a multipart form (photos) or a raw file (a backup, with its content type) with progress
 * (fetch has no upload progress; XHR does).
 */
function upload<T>(path: string, body: FormData | Blob, onProgress?: (fraction: number) => void, contentType?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', apiUrl(path));
    xhr.setRequestHeader(CSRF_HEADER, csrfToken());
    if (contentType) xhr.setRequestHeader('Content-Type', contentType);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    xhr.onerror = () => reject(new ApiError(0, 'offline', 'the upload did not reach the appliance'));
    xhr.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body as T);
      const e = (body as Partial<ErrorBody> | null)?.error;
      reject(new ApiError(xhr.status, e?.code ?? `http_${xhr.status}`, messageOf(e, `${xhr.status} ${xhr.statusText}`)));
    };
    xhr.send(body);
  });
}

export const api = {
  get: <T>(path: string, query?: Query) => call<T>('GET', path, undefined, query),
  post: <T>(path: string, body?: unknown) => call<T>('POST', path, body),
  put: <T>(path: string, body?: unknown) => call<T>('PUT', path, body),
  patch: <T>(path: string, body?: unknown) => call<T>('PATCH', path, body),
  del: <T>(path: string) => call<T>('DELETE', path),
  upload,
  url: apiUrl,
};
