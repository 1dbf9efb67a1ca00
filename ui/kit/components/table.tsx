/** Tables with an empty state and a cursor pager (the API pages with `nextCursor`). */
import type { ComponentChildren } from 'preact';
import { Empty } from './feedback.js';
import { kitStrings as S } from '../strings.js';

export interface Column<T> {
  key: string;
  label: string;
  render: (row: T) => ComponentChildren;
  numeric?: boolean;
}

export function Table<T>({ columns, rows, rowKey, caption, empty }: { columns: Column<T>[]; rows: T[]; rowKey: (row: T) => string; caption?: string; empty?: ComponentChildren }) {
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption ?? 'table'}>
      <table>
        {caption && <caption class="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.key} scope="col" class={c.numeric ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} class={c.numeric ? 'num' : undefined}>
                  {c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Cursor paging: the caller keeps a stack of cursors (page n starts at stack[n]); Previous pops,
 * Next pushes the answer's nextCursor.
 */
export function Pager({ page, hasNext, onPrev, onNext }: { page: number; hasNext: boolean; onPrev: () => void; onNext: () => void }) {
  return (
    <nav class="pager" aria-label="pages">
      <button type="button" onClick={onPrev} disabled={page <= 1}>
        {S.previous}
      </button>
      <span>{S.page(page)}</span>
      <button type="button" onClick={onNext} disabled={!hasNext}>
        {S.next}
      </button>
    </nav>
  );
}
