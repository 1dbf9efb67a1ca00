import { randomBytes } from 'node:crypto';

/** UTC calendar day of an epoch-ms instant, as the day-file name stem `YYYY-MM-DD`. */
export function utcDayKey(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Epoch ms of 00:00 UTC of a day key. */
export function dayKeyStart(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

const DAY_KEY = /^\d{4}-\d{2}-\d{2}$/;
export const isDayKey = (s: string): boolean => DAY_KEY.test(s) && !Number.isNaN(dayKeyStart(s)) && utcDayKey(dayKeyStart(s)) === s;

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const ID = /^([A-Za-z]{1,8})-(\d{8})-([0-9a-z]{10})$/;

let lastMs = -1;
let lastSeq = 0;

function base32(n: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[n % 32] + out;
    n = Math.floor(n / 32);
  }
  return out;
}

/**
 * Record ids that carry their UTC day (`V-20261124-k3j9x2abq0`): any id can be located in its day
 * file without an index, which keeps cold start independent of history size. The tail is the
 * millisecond of the day (6 chars) plus a sequence (4 chars) that starts random and counts up
 * within one millisecond, so ids made in one process sort in creation order (ULID style) and
 * records with the same timestamp keep their insertion order in newest-first listings.
 */
export function newDayId(prefix: string, ms: number): string {
  if (ms === lastMs) lastSeq = (lastSeq + 1) % 32 ** 4;
  else {
    lastMs = ms;
    lastSeq = randomBytes(3).readUIntBE(0, 3) % 2 ** 19; // headroom so a burst in one ms never wraps
  }
  const msOfDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
  return `${prefix}-${utcDayKey(ms).replaceAll('-', '')}-${base32(msOfDay, 6)}${base32(lastSeq, 4)}`;
}

/** The day key encoded in a day id, or null when the id is not one. */
export function dayOfId(id: string): string | null {
  const m = ID.exec(id);
  if (!m) return null;
  const d = m[2];
  const day = `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`;
  return isDayKey(day) ? day : null;
}
