import { theme } from 'antd';
import type { Key, ReactNode } from 'react';

/** A plain list of entries (updates, comments, milestones), one under another with a rule between. */
export function EntryList<T>({
  items,
  keyOf,
  render,
  actions,
}: {
  items: readonly T[];
  keyOf: (item: T) => Key;
  render: (item: T) => ReactNode;
  /** What can be done with an entry, at its end. */
  actions?: (item: T) => ReactNode;
}) {
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
