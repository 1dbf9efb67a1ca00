import type { NextFunction, Request, Response } from 'express';
import type { ErrorBody } from '../../../device/src/contracts/sync.js';
import { clientFault } from '../../../device/src/http/client-fault.js';

/** A refusal with an HTTP status and a stable machine code; rendered as the contract's ErrorBody. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
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

/** Last express middleware: typed errors, body-parser failures, and a generic 500 that leaks nothing. */
export function errorHandler(onUnexpected: (e: unknown) => void) {
  return (e: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof ApiError) return sendError(res, e.status, e.code, e.message, e.details);
    const t = (e as { type?: string; status?: number }).type;
    if (t === 'entity.parse.failed') return sendError(res, 400, 'malformed_json', 'request body is not valid JSON');
    if (t === 'entity.too.large') return sendError(res, 413, 'body_too_large', 'request body is too large');
    if (t === 'encoding.unsupported' || t === 'charset.unsupported') return sendError(res, 415, 'unsupported_encoding', String((e as Error).message));
    const fault = clientFault(e);
    if (fault) return sendError(res, fault.status, 'bad_request', fault.message);
    onUnexpected(e);
    sendError(res, 500, 'internal', 'internal error');
  };
}
