import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';

/** scrypt parameters: N=2^15 keeps a login ~50 ms on a small ARM board while making offline guessing costly. */
const N = 32768;
const r = 8;
const p = 1;
const keyLen = 32;
const maxmem = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, n: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLen, { N: n, r, p, maxmem }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

/** Encoded as `scrypt$N$saltB64$hashB64` so parameters can be raised later without breaking old hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N);
  return `scrypt$${N}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt') return false;
  const n = Number(parts[1]);
  if (!Number.isInteger(n) || n < 1024) return false;
  const expected = Buffer.from(parts[3], 'base64');
  const key = await derive(password, Buffer.from(parts[2], 'base64'), n);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that costs the same as a real check: used for unknown users so timing doesn't reveal which names exist. */
export const decoyHash = hashPassword(randomBytes(12).toString('hex'));

/** Random secrets (session ids, API tokens, CSRF tokens) are high-entropy: a fast SHA-256 is enough at rest. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
