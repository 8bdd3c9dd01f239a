import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Space, Table, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { Challenger } from './Challenger.tsx';
import { GraphDrawer } from './GraphDrawer.tsx';
import { SimulateModal } from './SimulateModal.tsx';

export interface GraphVersion {
  id: string;
  name: string;
  version: number;
  status: string;
  description: string | null;
  createdBy: string;
  createdAt: string;
  publishedAt: string | null;
  retiredAt: string | null;
  content?: Record<string, unknown>;
}

const color: Record<string, string> = { draft: 'processing', published: 'success', retired: 'default' };

/** Decision graph versions: read the JSON, publish a draft, retire a version, simulate one over history. */
export function Graphs() {
  const { t } = useTranslation('staffRisk');
  const me = useMe();
  const manage = can(me.data, 'risk:manage');
  const client = useQueryClient();
  const { modal, message } = App.useApp();
  const [key, setKey] = useState(newKey);
  const [viewing, setViewing] = useState<GraphVersion | null>(null);
  const [simulating, setSimulating] = useState<GraphVersion | null>(null);
  const graphs = useQuery({
    queryKey: ['risk', 'graphs'],
    queryFn: () => api.get<{ items: GraphVersion[] }>('/v1/risk/graphs'),
  });
  const act = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { graph: GraphVersion; action: 'publish' | 'retire' }) =>
      api.post<GraphVersion>(`/v1/risk/graphs/${v.graph.id}/${v.action}`, {}, key),
    onSuccess: (_g, v) => {
      setKey(newKey());
      void message.success(v.action === 'publish' ? t('published') : t('retired'));
      void client.invalidateQueries({ queryKey: ['risk', 'graphs'] });
    },
  });
  const confirm = (graph: GraphVersion, action: 'publish' | 'retire') =>
    modal.confirm({
      title: t(action === 'publish' ? 'confirmPublish' : 'confirmRetire', {
        name: graph.name,
        version: graph.version,
      }),
      okText: t(action),
      cancelText: t('common:action.cancel'),
      onOk: () => act.mutateAsync({ graph, action }).catch(() => undefined),
    });
  const columns: ColumnsType<GraphVersion> = [
    { title: t('name'), dataIndex: 'name' },
    { title: t('version'), dataIndex: 'version', align: 'right' },
    {
      title: t('graphStatus'),
      dataIndex: 'status',
      render: (v: string) => <Tag color={color[v]}>{t(`graphStatuses.${v}`, { defaultValue: v })}</Tag>,
    },
    { title: t('description'), dataIndex: 'description', render: (v: string | null) => v ?? '—' },
    { title: t('createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    { title: t('publishedAt'), dataIndex: 'publishedAt', render: (v: string | null) => formatDate(v) },
    {
      title: t('graphActions'),
      key: 'actions',
      render: (_v, g) => {
        const name = `${g.name} v${g.version}`;
        return (
          <Space wrap>
            <Link to={`/staff/graphs/${g.id}`} aria-label={`${t('openEditor')} ${name}`}>
              {t('openEditor')}
            </Link>
            <Button size="small" onClick={() => setViewing(g)} aria-label={`${t('viewJson')} ${name}`}>
              {t('viewJson')}
            </Button>
            <Button size="small" onClick={() => setSimulating(g)} aria-label={`${t('simulate')} ${name}`}>
              {t('simulate')}
            </Button>
            {manage && g.status === 'draft' && (
              <Button
                size="small"
                type="primary"
                onClick={() => confirm(g, 'publish')}
                aria-label={`${t('publish')} ${name}`}
              >
                {t('publish')}
              </Button>
            )}
            {manage && g.status !== 'retired' && (
              <Button
                size="small"
                danger
                onClick={() => confirm(g, 'retire')}
                aria-label={`${t('retire')} ${name}`}
              >
                {t('retire')}
              </Button>
            )}
          </Space>
        );
      },
    },
  ];
  return (
    <>
      <PageTitle>{t('graphsTitle')}</PageTitle>
      <Card>
        {act.isError && (
          <div style={{ marginBottom: 12 }}>
            <ErrorAlert error={act.error} />
          </div>
        )}
        <QueryView query={graphs} empty={(d) => d.items.length === 0}>
          {(data) => (
            <Table<GraphVersion>
              rowKey="id"
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data.items}
              columns={columns}
            />
          )}
        </QueryView>
      </Card>
      {graphs.data && <Challenger graphs={graphs.data.items} manage={manage} />}
      <GraphDrawer graph={viewing} editable={manage} onClose={() => setViewing(null)} />
      <SimulateModal graph={simulating} onClose={() => setSimulating(null)} />
    </>
  );
}
