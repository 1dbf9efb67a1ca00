import { randomInt } from 'node:crypto';

/** Crockford-style alphabet: no 0/O/1/I/L confusion when typed from a log line. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** A one-time set-up code as printed in the log (appliance and cloud-sync): XXXX-XXXX-XXXX. */
export function generateSetupCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4, 8).join('')}-${chars.slice(8).join('')}`;
}

/** What the user typed, in the printed form (case and surrounding blanks do not matter). */
export function normaliseSetupCode(typed: string): string {
  return typed.trim().toUpperCase();
}
