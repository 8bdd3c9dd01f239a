import type { UseQueryResult } from '@tanstack/react-query';
import { Typography, theme } from 'antd';
import type { Key, ReactNode } from 'react';
import { QueryView } from '../../components/ui.tsx';

/** A plain list of entries (updates, comments, milestones), one under another with a rule between. */
interface EntryListProps<T> {
  items: readonly T[];
  keyOf: (item: T) => Key;
  render: (item: T) => ReactNode;
  /** What can be done with an entry, at its end. */
  actions?: (item: T) => ReactNode;
}

export function EntryList<T>({ items, keyOf, render, actions }: EntryListProps<T>) {
  const { token } = theme.useToken();
  return (
    <ul style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {items.map((item, index) => (
        <li
          key={keyOf(item)}
          style={{
            padding: '12px 0',
            borderTop: index > 0 ? `1px solid ${token.colorSplit}` : undefined,
            display: 'flex',
            justifyContent: 'space-between',
            alignItems: 'flex-start',
            flexWrap: 'wrap',
            gap: 12,
          }}
        >
          <div style={{ flex: '1 1 240px', minWidth: 0 }}>{render(item)}</div>
          {actions ? <div>{actions(item)}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/** A query's entries (updates, comments) as an EntryList, or a line saying there are none yet. */
export function QueryEntries<T>({
  query,
  empty,
  marginTop = 0,
  ...list
}: Omit<EntryListProps<T>, 'items'> & {
  query: UseQueryResult<{ items: T[] }>;
  empty: string;
  marginTop?: number;
}) {
  return (
    <QueryView query={query}>
      {(data) =>
        data.items.length === 0 ? (
          <Typography.Paragraph type="secondary" style={{ marginTop, marginBottom: 0 }}>
            {empty}
          </Typography.Paragraph>
        ) : (
          <div style={{ marginTop }}>
            <EntryList items={data.items} {...list} />
          </div>
        )
      }
    </QueryView>
  );
}
