import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Permission } from '../contracts/roles.js';
import type { Actor } from '../accounts/actor.js';
import type { AuditAction } from '../accounts/audit.js';
import type { UploadedPhoto } from './services.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** `public`: anyone; `signed-in`: any user or token; otherwise the named permission. */
export type Access = 'public' | 'signed-in' | Permission;

type Schema = z.ZodType | undefined;
type In<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P extends Schema, Q extends Schema, B extends Schema> {
  params: In<P>;
  query: In<Q>;
  body: In<B>;
  /** Uploaded files (multipart routes only), in memory and size-limited. */
  files: UploadedPhoto[];
  actor: Actor | null;
  req: Request;
  res: Response;
  /** Records who did what in the audit log (the actor is taken from the request). */
  audit(action: AuditAction, target: string | null, details?: Record<string, unknown>): Promise<void>;
}

export interface JsonResponse<R extends z.ZodType> {
  status?: number;
  schema: R;
  description?: string;
}
/** The handler writes the response itself (CSV, JPEG, MJPEG, SSE, Prometheus text). */
export interface RawResponse {
  status?: number;
  contentType: string;
  description: string;
}

export interface Upload {
  field: string;
  maxFiles: number;
  maxFileBytes: number;
}

/** A streamed, non-JSON request body (e.g. a backup archive); the handler reads `req` itself. */
export interface RawBody {
  contentTypes: string[];
  maxBytes: number;
  description: string;
}

export interface RouteSpec<P extends Schema, Q extends Schema, B extends Schema, R extends z.ZodType | undefined> {
  method: Method;
  /** Express path, e.g. `/api/v1/cameras/:id`. */
  path: string;
  tag: string;
  summary: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  upload?: Upload;
  rawBody?: RawBody;
  response: R extends z.ZodType ? JsonResponse<R> : RawResponse;
  handle(ctx: RouteContext<P, Q, B>): Promise<R extends z.ZodType ? z.input<R> : void>;
}

export type AnyRoute = RouteSpec<any, any, any, any>;

/** Typed constructor for a route: infers the handler's context and return type from the schemas. */
export function route<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined, R extends z.ZodType | undefined = undefined>(
  spec: RouteSpec<P, Q, B, R>,
): AnyRoute {
  return spec as AnyRoute;
}

export function isJsonResponse(r: JsonResponse<z.ZodType> | RawResponse): r is JsonResponse<z.ZodType> {
  return 'schema' in r;
}
