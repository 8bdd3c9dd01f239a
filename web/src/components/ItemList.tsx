import { Empty, Flex, Typography, theme } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export interface Item {
  readonly key: string;
  readonly title: ReactNode;
  readonly description?: ReactNode;
  readonly actions?: ReactNode[];
}

/**
 * A plain list (antd's List is deprecated in 6.6 and logs a warning): a title, a line under it, and
 * actions that wrap below on a phone. A labelled <ul>, so that a screen reader announces it.
 */
export function ItemList({ items, label, emptyText }: { items: Item[]; label?: string; emptyText?: string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  if (items.length === 0) return <Empty description={emptyText ?? t('state.empty')} />;
  const line = `1px solid ${token.colorBorderSecondary}`;
  return (
    <ul
      aria-label={label}
      style={{ listStyle: 'none', margin: 0, padding: 0, border: line, borderRadius: token.borderRadiusLG }}
    >
      {items.map((item, index) => (
        <li key={item.key} style={{ padding: '12px 16px', borderTop: index === 0 ? undefined : line }}>
          <Flex justify="space-between" align="center" gap={12} wrap>
            <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>
              <Typography.Text strong>{item.title}</Typography.Text>
              {item.description ? (
                <div>
                  <Typography.Text type="secondary">{item.description}</Typography.Text>
                </div>
              ) : null}
            </div>
            {item.actions?.length ? (
              <Flex gap={8} wrap>
                {item.actions}
              </Flex>
            ) : null}
          </Flex>
        </li>
      ))}
    </ul>
  );
}
