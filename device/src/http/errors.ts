import type { ErrorRequestHandler, Response } from 'express';
import type { ZodError } from 'zod';
import type { ErrorCode } from '../contracts/http.js';
import type { ServiceError } from './services.js';
import type { Result } from '../util/result.js';
import type { Logger } from '../util/log.js';
import { isNoSpace } from '../health/storage-monitor.js';
import { clientFault } from './client-fault.js';

/** An error the HTTP layer turns into the one error body `{ error: { code, message, details? } }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: ErrorCode, message: string, details?: unknown): void {
  res.status(status).json({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

export function validationError(where: string, e: ZodError): HttpError {
  return new HttpError(
    400,
    'validation_failed',
    `invalid ${where}`,
    e.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  );
}

const serviceStatus: Record<ServiceError['code'], [number, ErrorCode]> = {
  not_found: [404, 'not_found'],
  conflict: [409, 'conflict'],
  invalid: [400, 'validation_failed'],
  unavailable: [503, 'unavailable'],
};

/** Maps a service's error value to the HTTP error; passes the value through when ok. */
export function unwrap<T>(r: Result<T, ServiceError>): T {
  if (r.ok) return r.value;
  const [status, code] = serviceStatus[r.error.code];
  throw new HttpError(status, code, r.error.message, r.error.details);
}

export function notFound(what: string): HttpError {
  return new HttpError(404, 'not_found', `${what} not found`);
}

/** Body-parser, multer and unexpected errors → the error body; never a stack trace to the client. */
/** `onNoSpace`: told when a write failed for lack of space (the storage monitor then says full at once). */
export function errorHandler(log: Logger, onNoSpace?: () => void): ErrorRequestHandler {
  return (e, req, res, _next) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.details);
    const type = (e as { type?: string }).type;
    const code = (e as { code?: string }).code;
    if (type === 'entity.parse.failed') return sendError(res, 400, 'malformed_json', 'request body is not valid JSON');
    if (type === 'entity.too.large' || code === 'LIMIT_FILE_SIZE')
      return sendError(res, 413, 'payload_too_large', 'request body is too large');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported')
      return sendError(res, 415, 'unsupported_media_type', (e as Error).message);
    if (typeof code === 'string' && code.startsWith('LIMIT_'))
      return sendError(res, 400, 'bad_request', `upload refused: ${(e as Error).message}`);
    // The client went away mid-body (body-parser or multer): nobody to answer, nothing went wrong here.
    if (type === 'request.aborted' || !res.socket || res.socket.destroyed) return;
    const fault = clientFault(e);
    if (fault) return sendError(res, fault.status, 'bad_request', fault.message);
    if (isNoSpace(e)) {
      onNoSpace?.();
      return sendError(res, 507, 'insufficient_storage', 'the appliance’s data disk is full: the change was not saved; free space (old footage, crops) and try again');
    }
    log.error('unhandled error in request', { method: req.method, path: req.path, error: String((e as Error)?.stack ?? e) });
    sendError(res, 500, 'internal', 'internal error');
  };
}
