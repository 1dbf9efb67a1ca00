/** Calendar days as the reports use them (YYYY-MM-DD), and times shown in a site's own zone. */
const formats = new Map<string, Intl.DateTimeFormat>();
/** One formatter per zone, made once: a 1,000-device fleet formats hundreds of times per draw. */
function formatIn(timezone: string): Intl.DateTimeFormat {
  let f = formats.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat(navigator.language, { dateStyle: 'short', timeStyle: 'short', timeZone: timezone });
    formats.set(timezone, f);
  }
  return f;
}

export function shiftDay(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** A time in the site's zone with the zone named, e.g. "06/12/2026, 14:05 (Europe/Paris)". */
export function siteTime(iso: string | null | undefined, timezone: string): string {
  return iso ? `${formatIn(timezone).format(new Date(iso))} (${timezone})` : '—';
}

/** "3 min ago" style age, for heartbeats. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} days ago`;
}
