import { LoginRequest, MeView, Ok, SessionView } from '../../contracts/http.js';
import { rolePermissions } from '../../contracts/roles.js';
import { clearSessionCookies, readCookies, SESSION_COOKIE, setSessionCookies } from '../../util/cookies.js';
import { HttpError } from '../errors.js';
import { route, type AnyRoute } from '../route.js';
import type { HttpDeps } from '../deps.js';

export function authRoutes({ accounts }: HttpDeps): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/api/v1/auth/login',
      tag: 'auth',
      summary: 'Sign in with username and password; sets the session and CSRF cookies',
      access: 'public',
      body: LoginRequest,
      response: { schema: SessionView },
      async handle({ body, req, res, audit }) {
        const address = req.socket.remoteAddress ?? 'unknown';
        const gate = accounts.limiter.check(body.username, address);
        if (!gate.allowed) {
          res.set('Retry-After', String(Math.ceil(gate.retryAfterMs / 1000)));
          throw gate.reason === 'locked'
            ? new HttpError(423, 'locked', 'too many failed sign-ins for this user; try again later')
            : new HttpError(429, 'rate_limited', 'too many sign-in attempts from this address');
        }
        const user = await accounts.store.checkPassword(body.username, body.password);
        if (!user) {
          accounts.limiter.recordFailure(body.username);
          await audit('login.failed', body.username.toLowerCase(), { address });
          throw new HttpError(401, 'unauthenticated', 'wrong username or password');
        }
        accounts.limiter.recordSuccess(body.username);
        const { sessionId, session } = await accounts.sessions.create(user.id);
        setSessionCookies(req, res, sessionId, session.csrfToken);
        await accounts.audit.record({ kind: 'user', id: user.id, name: user.username, role: user.role }, 'login.succeeded', user.username);
        return { user, csrfToken: session.csrfToken };
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/auth/logout',
      tag: 'auth',
      summary: 'Sign out (ends the session)',
      access: 'signed-in',
      response: { schema: Ok },
      async handle({ req, res }) {
        const sid = readCookies(req).get(SESSION_COOKIE);
        if (sid) await accounts.sessions.destroy(sid);
        clearSessionCookies(res);
        return { ok: true as const };
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/auth/me',
      tag: 'auth',
      summary: 'Who am I, and what may I do',
      access: 'signed-in',
      response: { schema: MeView },
      async handle({ actor }) {
        return { actor: actor!, permissions: [...rolePermissions[actor!.role]] };
      },
    }),
  ];
}
