import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import type { z } from 'zod';
import type { Accounts } from '../accounts/accounts.js';
import { authenticate, authorise, checkCsrf, type Authenticated } from './auth.js';
import { HttpError, validationError } from './errors.js';
import { isJsonResponse, type AnyRoute, type RouteContext } from './route.js';
import type { UploadedPhoto } from './services.js';

/** JSON bodies are small everywhere; photos come as multipart with their own limits. */
const JSON_LIMIT = '1mb';
const jsonParser = express.json({ limit: JSON_LIMIT, strict: true });

const authOf = new WeakMap<Request, Authenticated | null>();

function gate(route: AnyRoute, accounts: Accounts): RequestHandler {
  return async (req, _res, next) => {
    try {
      // Public routes (login, set-up, liveness, OpenAPI) act for nobody: no identity, so no CSRF to check.
      const auth = route.access === 'public' ? null : await authenticate(accounts, req);
      authorise(route.access, auth);
      if (auth) checkCsrf(req, auth);
      // Bad ids are refused before a body or upload is read.
      parse(route.params, req.params, 'path parameters');
      authOf.set(req, auth);
      next();
    } catch (e) {
      next(e);
    }
  };
}

/** Refuses non-JSON bodies on JSON routes before anything is read. */
function requireJson(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json'))
    return next(new HttpError(415, 'unsupported_media_type', 'send the body as application/json'));
  next();
}

function uploadParser(route: AnyRoute): RequestHandler {
  const u = route.upload!;
  const m = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: u.maxFileBytes, files: u.maxFiles, fields: 10, fieldSize: 64 * 1024, parts: u.maxFiles + 10 },
  }).array(u.field, u.maxFiles);
  return (req, res, next) => {
    if (!req.is('multipart/form-data'))
      return next(new HttpError(415, 'unsupported_media_type', `send photos as multipart/form-data field "${u.field}"`));
    m(req, res, next);
  };
}

/** Streamed bodies: the content type and declared length are checked before a byte is read. */
function requireRaw(route: AnyRoute): RequestHandler {
  const raw = route.rawBody!;
  return (req, _res, next) => {
    if (!req.is(raw.contentTypes)) return next(new HttpError(415, 'unsupported_media_type', `send the body as ${raw.contentTypes.join(' or ')}`));
    if (Number(req.headers['content-length'] ?? 0) > raw.maxBytes) return next(new HttpError(413, 'payload_too_large', `the body is larger than ${raw.maxBytes} bytes`));
    next();
  };
}

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  // A missing body or query is an empty object: the schema then names each missing field.
  const r = schema.safeParse(value ?? {});
  if (!r.success) throw validationError(where, r.error);
  return r.data;
}

function handler(route: AnyRoute, accounts: Accounts): RequestHandler {
  return async (req, res, next) => {
    try {
      const auth = authOf.get(req) ?? null;
      const files: UploadedPhoto[] = ((req.files as Express.Multer.File[] | undefined) ?? []).map((f) => ({
        name: f.originalname,
        data: f.buffer,
      }));
      if (route.upload && files.length === 0) throw new HttpError(400, 'bad_request', `no files in field "${route.upload.field}"`);
      const ctx: RouteContext<any, any, any> = {
        params: parse(route.params, req.params, 'path parameters'),
        query: parse(route.query, req.query, 'query'),
        body: parse(route.body, req.body, 'body'),
        files,
        actor: auth?.actor ?? null,
        req,
        res,
        audit: async (action, target, details) => {
          const actor = auth?.actor ?? { kind: 'anonymous' as const, id: null, name: 'anonymous' };
          await accounts.audit.record(actor, action, target, details);
        },
      };
      const out = await route.handle(ctx);
      if (res.headersSent || !isJsonResponse(route.response)) return;
      res.status(route.response.status ?? 200).json(out);
    } catch (e) {
      next(e);
    }
  };
}

/** Mounts one route: authentication and role check first (nothing is read before), then body, validation, handler. */
export function mountRoute(app: Express, route: AnyRoute, accounts: Accounts): void {
  const chain: RequestHandler[] = [gate(route, accounts)];
  if (route.upload) chain.push(uploadParser(route));
  else if (route.rawBody) chain.push(requireRaw(route));
  else if (route.body) chain.push(requireJson, jsonParser);
  chain.push(handler(route, accounts));
  app[route.method](route.path, ...chain);
}
