/**
 * Typed store failures. Callers branch on `code`, never on message text.
 * - invalid: a value failed its schema (nothing was written)
 * - corrupt: a file on disk does not parse or validate
 * - not-found / conflict: id-level problems
 * - bad-id / bad-cursor / bad-input: malformed caller input
 * - paused: writing is paused on purpose (face crops while the disk is low)
 */
export type StoreErrorCode = 'invalid' | 'corrupt' | 'not-found' | 'conflict' | 'bad-id' | 'bad-cursor' | 'bad-input' | 'paused';

export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'StoreError';
  }
}

export const isStoreError = (e: unknown, code?: StoreErrorCode): e is StoreError =>
  e instanceof StoreError && (code === undefined || e.code === code);
