import { err, type Result } from '../util/result.js';

/**
 * Typed identity failures, returned as values from every public operation (HTTP maps `code` to a status):
 * not-found → 404, invalid → 400, conflict → 409 (e.g. merging people declared different).
 */
export type IdentityErrorCode = 'not-found' | 'invalid' | 'conflict';

export interface IdentityError {
  code: IdentityErrorCode;
  message: string;
}

export const fail = (code: IdentityErrorCode, message: string): Result<never, IdentityError> => err({ code, message });
export const notFound = (what: string, id: string): Result<never, IdentityError> => fail('not-found', `${what} ${id} does not exist`);
