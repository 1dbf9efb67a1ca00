import type { ZodError } from 'zod';
import type { ErrorCode } from '../contracts/http.js';
import type { ServiceError } from './services.js';
import type { Result } from '../util/result.js';
import { HttpError as SharedHttpError } from '../util/http-errors.js';

/** The appliance's HttpError: the shared one, limited to the codes this API documents (contracts ErrorCode). */
export class HttpError extends SharedHttpError<ErrorCode> {}

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
