import { randomBytes, scrypt, timingSafeEqual, createHash } from 'node:crypto';

/**
 * One scrypt password hashing for appliance users and MQTT accounts.
 * Written as `scrypt$N$r$p$saltB64$hashB64`, so the cost can be raised later without breaking old hashes.
 * Also verifies the earlier user-account form `scrypt$N$saltB64$hashB64` (r=8, p=1), so hashes stored
 * before the two implementations were merged keep working.
 * N=2^15 keeps a check ~50 ms on a small ARM board while making offline guessing costly.
 */
const N = 32768;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

interface ScryptParams {
  n: number;
  r: number;
  p: number;
  salt: Buffer;
  expected: Buffer;
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { N: n, r, p, maxmem: 256 * n * r }, (e, key) => (e ? reject(e) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P, KEY_LENGTH);
  return ['scrypt', N, R, P, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Parses either stored form; null for anything malformed or with parameters outside what we ever write. */
function parse(encoded: string): ScryptParams | null {
  const parts = encoded.split('$');
  if (parts[0] !== 'scrypt' || (parts.length !== 6 && parts.length !== 4)) return null;
  const [n, r, p] = parts.length === 6 ? parts.slice(1, 4).map(Number) : [Number(parts[1]), 8, 1];
  const [salt, expected] = parts.slice(-2).map((s) => Buffer.from(s, 'base64'));
  const powerOfTwo = Number.isInteger(n) && n >= 1024 && n <= 1 << 17 && (n & (n - 1)) === 0;
  const small = (x: number) => Number.isInteger(x) && x >= 1 && x <= 16;
  if (!powerOfTwo || !small(r) || !small(p) || expected.length < 16 || expected.length > 128) return null;
  return { n, r, p, salt, expected };
}

/** Timing-safe check; a malformed stored hash is simply "no match". */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const h = parse(encoded);
  if (!h) return false;
  const key = await derive(password, h.salt, h.n, h.r, h.p, h.expected.length);
  return timingSafeEqual(key, h.expected);
}

/**
 * A hash of a random password, made on first use: verifying unknown users against it costs the same
 * as a real check, so timing doesn't reveal which names exist.
 */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

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
