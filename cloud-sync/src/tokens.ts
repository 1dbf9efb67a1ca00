import { createHash, randomBytes, randomInt } from 'node:crypto';
import { CLAIM_CODE_ALPHABET } from '../../device/src/contracts/sync.js';

/** Opaque bearer tokens: the prefix says what kind (u = user, d = device); 32 random bytes. */
export function newToken(kind: 'u' | 'd'): string {
  return `cva${kind}_${randomBytes(32).toString('base64url')}`;
}

/** Tokens are high-entropy random strings, so a plain sha256 is the right stored form (no salt needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(9).toString('base64url')}`;
}

export function newClaimCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CLAIM_CODE_ALPHABET[randomInt(CLAIM_CODE_ALPHABET.length)];
  return s;
}
