import { csvField } from '../util/csv.js';
import type { Visit } from '../contracts/visit.js';

export const VISIT_CSV_COLUMNS = [
  'id',
  'personId',
  'kind',
  'status',
  'arrivedAt',
  'lastSeenAt',
  'departedAt',
  'dwellSeconds',
  'cameras',
  'detections',
  'visitNumber',
  'returning',
  'ageMedian',
  'gender',
] as const;

export function visitCsvRow(v: Visit): string {
  const cells: (string | number | boolean | null)[] = [
    v.id,
    v.personId,
    v.kind,
    v.status,
    v.arrivedAt,
    v.lastSeenAt,
    v.departedAt,
    Math.round(v.dwellSeconds),
    v.cameras.join(';'),
    v.detections,
    v.visitNumber,
    v.returning,
    v.demographics.ageMedian,
    v.demographics.gender,
  ];
  return cells.map(csvField).join(',') + '\r\n';
}

/** Header then rows, batched into chunks so a large export streams without building one string. */
export async function* visitsCsv(rows: AsyncIterable<Visit>, rowsPerChunk = 500): AsyncGenerator<string> {
  yield VISIT_CSV_COLUMNS.join(',') + '\r\n';
  let chunk = '';
  let n = 0;
  for await (const v of rows) {
    chunk += visitCsvRow(v);
    if (++n === rowsPerChunk) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk) yield chunk;
}
