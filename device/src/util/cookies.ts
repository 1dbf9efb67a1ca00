import type { Request, Response } from 'express';

/**
 * Session + CSRF cookies, shared by the appliance and cloud-sync. Each service names its own cookies:
 * cookies are scoped by host, not port, so an appliance and a cloud-sync on one machine would otherwise
 * overwrite each other's session.
 */
export interface SessionCookieNames {
  session: string;
  csrf: string;
}

export const SESSION_COOKIE = 'cva_session';
export const CSRF_COOKIE = 'cva_csrf';
export const CSRF_HEADER = 'x-csrf-token';
const APPLIANCE: SessionCookieNames = { session: SESSION_COOKIE, csrf: CSRF_COOKIE };

export function readCookies(req: Request): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    try {
      out.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // A malformed cookie value is ignored, as if absent.
    }
  }
  return out;
}

/** Session cookie: HttpOnly (no script access), SameSite=Strict, Secure when served over TLS. */
export function setSessionCookies(req: Request, res: Response, sessionId: string, csrfToken: string, names = APPLIANCE): void {
  const secure = req.secure ? '; Secure' : '';
  res.append('Set-Cookie', `${names.session}=${sessionId}; Path=/; HttpOnly; SameSite=Strict${secure}`);
  // The CSRF cookie is readable by the page so it can echo it in the X-CSRF-Token header (double submit).
  res.append('Set-Cookie', `${names.csrf}=${csrfToken}; Path=/; SameSite=Strict${secure}`);
}

export function clearSessionCookies(res: Response, names = APPLIANCE): void {
  const expired = 'Path=/; Max-Age=0; SameSite=Strict';
  res.append('Set-Cookie', `${names.session}=; ${expired}; HttpOnly`);
  res.append('Set-Cookie', `${names.csrf}=; ${expired}`);
}
