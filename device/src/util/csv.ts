/**
 * One CSV cell (RFC 4180 quoting). A text cell that starts like a spreadsheet formula (= + - @ tab CR) is
 * prefixed with ' so opening an export never runs it (CSV injection); numbers, even negative, stay numbers.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
