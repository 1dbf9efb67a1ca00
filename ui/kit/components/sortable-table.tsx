/** A table the reader ranks by any column (click a header; again to reverse). Added for HQ's site comparison. */
import { useMemo, useState } from 'preact/hooks';
import type { Column } from './table.js';
import { Empty } from './feedback.js';
import type { ComponentChildren } from 'preact';

export interface SortableColumn<T> extends Column<T> {
  /** The value ranked by; null sorts last. */
  sortValue: (row: T) => number | string | null;
}

export function SortableTable<T>({ columns, rows, rowKey, caption, empty, initial }: { columns: SortableColumn<T>[]; rows: T[]; rowKey: (row: T) => string; caption: string; empty?: ComponentChildren; initial?: { key: string; desc: boolean } }) {
  const [sort, setSort] = useState(initial ?? { key: columns[0].key, desc: false });
  const sorted = useMemo(() => {
    const col = columns.find((c) => c.key === sort.key) ?? columns[0];
    const dir = sort.desc ? -1 : 1;
    return [...rows].sort((a, b) => {
      const x = col.sortValue(a);
      const y = col.sortValue(b);
      if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
      return (x < y ? -1 : x > y ? 1 : 0) * dir;
    });
  }, [rows, sort, columns]);
  if (rows.length === 0) return <Empty>{empty}</Empty>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label={caption}>
      <table>
        <caption class="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort.key === c.key;
              return (
                <th key={c.key} scope="col" class={c.numeric ? 'num' : undefined} aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                  <button type="button" class="sort" onClick={() => setSort({ key: c.key, desc: active ? !sort.desc : !!c.numeric })}>
                    {c.label}
                    {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} class={c.numeric ? 'num' : undefined}>{c.render(r)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
