import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { CommonErrorCode, ErrorBody } from '../contracts/errors.js';
import type { Logger } from './log.js';

/**
 * A refusal with an HTTP status and a stable machine code, rendered as the contracts' ErrorBody.
 * Shared by the appliance and cloud-sync; `Code` narrows the codes a service may use.
 */
export class HttpError<Code extends string = string> extends Error {
  constructor(
    readonly status: number,
    readonly code: Code,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  const body: ErrorBody = { error: { code, message, ...(details === undefined ? {} : { details }) } };
  res.status(status).json(body);
}

const send = (res: Response, status: number, code: CommonErrorCode, message: string) => sendError(res, status, code, message);

/** After every route: an unknown route is a 404 with the error body, not express's HTML page. */
export const routeNotFound: RequestHandler = (req, res) =>
  send(res, 404, 'not_found', `no route ${req.method} ${req.path}`);

/**
 * Last express middleware of both services: HttpErrors as they are; body-parser and multer failures as
 * 4xx; anything else is logged and answered with a 500 that leaks nothing (no stack trace to the client).
 */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (e, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.details);
    const type = (e as { type?: string }).type;
    const code = (e as { code?: string }).code;
    if (type === 'entity.parse.failed') return send(res, 400, 'malformed_json', 'request body is not valid JSON');
    if (type === 'entity.too.large' || code === 'LIMIT_FILE_SIZE') return send(res, 413, 'payload_too_large', 'request body is too large');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported')
      return send(res, 415, 'unsupported_media_type', (e as Error).message);
    if (typeof code === 'string' && code.startsWith('LIMIT_'))
      return send(res, 400, 'bad_request', `upload refused: ${(e as Error).message}`);
    if (type === 'request.aborted') return;
    log.error('unhandled error in request', { method: req.method, path: req.path, error: String((e as Error)?.stack ?? e) });
    send(res, 500, 'internal', 'internal error');
  };
}
