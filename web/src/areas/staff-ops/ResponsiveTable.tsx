import { Button, Card, Collapse, Descriptions, Empty, Flex, Grid, Skeleton, Table, Typography } from 'antd';
import type { ColumnType, TableProps } from 'antd/es/table';
import { type Key, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** The props of antd's Table, plus what the phone layout needs. */
export interface ResponsiveTableProps<T> extends TableProps<T> {
  /** The list's accessible name on phones. */
  label: string;
  /** Column keys (or dataIndex) whose cells are buttons or links: shown at the foot of each card. */
  actionKeys?: string[];
  /** The card's title; default: the first column's cell. */
  cardTitle?: (row: T) => ReactNode;
  /** The label of the toggle that opens a row's expanded content on a phone. */
  expandLabel?: string;
  /** Short rows: the cells as one wrapped line of label–value pairs instead of one line each. */
  dense?: boolean;
}

const columnId = <T,>(column: ColumnType<T>, index: number): string =>
  String(
    column.key ?? (Array.isArray(column.dataIndex) ? column.dataIndex.join('.') : column.dataIndex) ?? index,
  );

function cell<T>(column: ColumnType<T>, row: T, index: number): ReactNode {
  const path =
    column.dataIndex === undefined ? [] : ([] as (string | number)[]).concat(column.dataIndex as never);
  let value: unknown = row;
  for (const step of path) value = (value as Record<string | number, unknown> | null)?.[step];
  if (path.length === 0) value = undefined;
  if (column.render) return column.render(value, row, index) as ReactNode;
  return value === null || value === undefined ? '—' : String(value);
}

/**
 * antd's Table at desk width; on a phone (below md) the same columns as a list of cards, each row's
 * cells as label–value lines and its action cells at the foot. One column definition for both.
 */
export function ResponsiveTable<T extends object>(props: ResponsiveTableProps<T>) {
  const { label, actionKeys = [], cardTitle, expandLabel, dense, ...table } = props;
  const { t } = useTranslation();
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const [pages, setPages] = useState(1);
  if (!phone) return <Table<T> scroll={{ x: true }} {...table} aria-label={label} />;
  if (table.loading) return <Skeleton active aria-label={t('state.loading')} />;
  const rows = table.dataSource ?? [];
  if (rows.length === 0) return <Empty description={t('state.empty')} />;
  const columns = (table.columns ?? []) as ColumnType<T>[];
  const rowKey = (row: T, index: number): Key =>
    typeof table.rowKey === 'function'
      ? table.rowKey(row, index)
      : (((row as Record<string, unknown>)[String(table.rowKey ?? 'key')] as Key | undefined) ?? index);
  const expand = table.expandable?.expandedRowRender;
  // The table's own client-side pages become "more" on a phone.
  const pageSize = (table.pagination || undefined)?.pageSize || rows.length;
  const visible = rows.slice(0, pages * pageSize);
  return (
    <>
      <Flex
        vertical
        gap={12}
        component="ul"
        aria-label={label}
        style={{ listStyle: 'none', margin: 0, padding: 0 }}
      >
        {visible.map((row, index) => {
          const isAction = (column: ColumnType<T>, i: number) => actionKeys.includes(columnId(column, i));
          const body = columns.filter((c, i) => !isAction(c, i) && (cardTitle || i > 0));
          const actions = columns.filter(isAction).map((c) => cell(c, row, index));
          const id = rowKey(row, index);
          return (
            <li key={id}>
              <Card size="small" title={cardTitle ? cardTitle(row) : cell(columns[0]!, row, index)}>
                {dense ? (
                  <Flex wrap gap="4px 16px">
                    {body.map((c, i) => (
                      <span key={columnId(c, i)}>
                        <Typography.Text type="secondary">{c.title as ReactNode}:</Typography.Text>{' '}
                        {cell(c, row, index)}
                      </span>
                    ))}
                  </Flex>
                ) : (
                  <Descriptions
                    size="small"
                    column={1}
                    items={body.map((c, i) => ({
                      key: columnId(c, i),
                      label: c.title as ReactNode,
                      children: cell(c, row, index),
                    }))}
                  />
                )}
                {expand && (
                  <Collapse
                    ghost
                    size="small"
                    items={[
                      {
                        key: 'more',
                        label: expandLabel ?? t('action.view'),
                        children: expand(row, index, 0, true),
                      },
                    ]}
                  />
                )}
                {actions.some((a) => a !== null && a !== undefined && a !== false) && (
                  <Flex wrap gap={8} style={{ marginTop: 8 }}>
                    {actions.map((a, i) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the action columns are fixed
                      <span key={i}>{a}</span>
                    ))}
                  </Flex>
                )}
              </Card>
            </li>
          );
        })}
      </Flex>
      {visible.length < rows.length && (
        <Button block style={{ marginTop: 12 }} onClick={() => setPages(pages + 1)}>
          {t('state.more')}
        </Button>
      )}
    </>
  );
}
