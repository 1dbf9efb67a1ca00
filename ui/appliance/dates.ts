/** Date inputs (YYYY-MM-DD, the browser's local day) to and from the API's ISO instants. */
export function startOfLocalDay(daysAgo: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - daysAgo);
  return d;
}

export function dateInputValue(d: Date): string {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** The instant a local day starts; `inclusiveEnd` gives the start of the next day (an exclusive bound). */
export function dayToIso(value: string, inclusiveEnd = false): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const [y, m, d] = value.split('-').map(Number);
  return new Date(y, m - 1, d + (inclusiveEnd ? 1 : 0)).toISOString();
}
