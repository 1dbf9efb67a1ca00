/**
 * The kit's own words and the formatting of numbers, times and durations. Pages keep their words in
 * one strings module of their own (ui/appliance/strings.ts); a translation replaces those objects.
 */
export const kitStrings = {
  loading: 'Loading…',
  retry: 'Try again',
  empty: 'Nothing here yet.',
  close: 'Close',
  dismiss: 'Dismiss',
  cancel: 'Cancel',
  save: 'Save',
  confirm: (what: string) => `Really ${what}?`,
  yes: 'Yes',
  previous: 'Previous',
  next: 'Next',
  page: (n: number) => `Page ${n}`,
  forbidden: 'Your role may not see this. Ask an admin if you need it.',
  offline: 'The appliance does not answer right now.',
  themeLight: 'Light',
  themeDark: 'Dark',
  themeAuto: 'Auto',
  theme: 'Theme',
  menu: 'Menu',
  skipToContent: 'Skip to content',
  chartNoData: 'No data in this range.',
  errorPrefix: 'Error',
};

const locale = () => (typeof navigator !== 'undefined' ? navigator.language : 'en');

export const fmt = {
  number: (n: number | null | undefined, digits = 0) =>
    n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toLocaleString(locale(), { maximumFractionDigits: digits, minimumFractionDigits: digits }),
  percent: (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${Math.round(n)} %`),
  bytes: (n: number | null | undefined) => {
    if (n === null || n === undefined) return '—';
    const units = ['B', 'kB', 'MB', 'GB', 'TB'];
    let v = n;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${v.toLocaleString(locale(), { maximumFractionDigits: v < 10 && i > 0 ? 1 : 0 })} ${units[i]}`;
  },
  /** A date-time in the given IANA zone (the site's), short form. */
  dateTime: (iso: string | null | undefined, timeZone?: string) =>
    iso ? new Date(iso).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short', timeZone }) : '—',
  time: (iso: string | null | undefined, timeZone?: string) =>
    iso ? new Date(iso).toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone }) : '—',
  duration: (seconds: number | null | undefined) => {
    if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
    const s = Math.round(seconds);
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${s % 60} s`;
    return `${Math.floor(m / 60)} h ${m % 60} min`;
  },
};
