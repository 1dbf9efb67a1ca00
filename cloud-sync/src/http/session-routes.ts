import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/types.js';
import { SignInRequest } from '../../../device/src/contracts/hq.js';
import { clearSessionCookies, readCookies, setSessionCookies } from '../../../device/src/util/cookies.js';
import { completeFirstRun, needsFirstRun } from '../people/first-run.js';
import { acceptInvite, parseBody } from '../people/people.js';
import { destroySession, HQ_COOKIES } from '../people/sessions.js';
import type { SignIn } from '../people/sign-in.js';

const address = (req: Request) => req.socket.remoteAddress ?? 'unknown';

/**
 * The page's public routes (mounted before authentication): first run, sign-in, sign-out and accepting an
 * invite. Each success sets the HQ session and CSRF cookies and answers the CSRF token.
 */
export function sessionRoutes(db: Db, signIn: SignIn): Router {
  const r = Router();
  const signedIn = (req: Request, res: Response, s: { userId: string; sessionId: string; csrfToken: string }, status = 200) => {
    setSessionCookies(req, res, s.sessionId, s.csrfToken, HQ_COOKIES);
    res.status(status).json({ userId: s.userId, csrfToken: s.csrfToken });
  };
  r.get('/api/session/state', async (_req, res) => {
    res.json({ needsFirstRun: await needsFirstRun(db) });
  });
  r.post('/api/session/first-run', async (req, res) => {
    signIn.gate(address(req));
    signedIn(req, res, await completeFirstRun(db, req.body), 201);
  });
  r.post('/api/session/sign-in', async (req, res) => {
    const b = parseBody(SignInRequest, req.body);
    signedIn(req, res, await signIn.signIn(b.email, b.password, address(req)));
  });
  r.post('/api/session/invite', async (req, res) => {
    signIn.gate(address(req));
    signedIn(req, res, await acceptInvite(db, req.body));
  });
  // Signing out needs no CSRF token: the worst a forged one can do is sign you out.
  r.post('/api/session/sign-out', async (req, res) => {
    const sid = readCookies(req).get(HQ_COOKIES.session);
    if (sid) await destroySession(db, sid);
    clearSessionCookies(res, HQ_COOKIES);
    res.status(204).end();
  });
  return r;
}
