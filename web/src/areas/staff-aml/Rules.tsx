import type { DecisionGraphType } from '@gorules/jdm-editor';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Segmented, Space, Spin, Table, Tag } from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { errorText } from '../../errors.ts';
import { formatDate } from '../../i18n/index.ts';
import type { RuleSet } from './types.ts';

// The visual JDM editor the risk graphs use, loaded only when a rule set is opened in it.
const GraphEditor = lazy(() => import('../staff-risk/GraphEditor.tsx'));

const STATUS_COLOURS = { draft: 'gold', published: 'green', retired: 'default' } as const;

/**
 * The AML rules: every version, newest first; a draft copied from the rules in force, edited in the
 * decision-table editor or as JSON, then published (validated by the server; in force at once).
 */
export function Rules() {
  const { t } = useTranslation('staffAml');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [selected, setSelected] = useState<RuleSet | null>(null);
  const [text, setText] = useState('');
  const [mode, setMode] = useState<'table' | 'json'>('table');
  const sets = useQuery({
    queryKey: ['aml', 'rule-sets'],
    queryFn: () => api.get<{ items: RuleSet[] }>('/v1/aml/rule-sets'),
  });
  const open = (r: RuleSet) => {
    setSelected(r);
    setText(JSON.stringify(r.content, null, 2));
  };
  const done = (r: RuleSet, note: string) => {
    void message.success(note);
    open(r);
    void client.invalidateQueries({ queryKey: ['aml', 'rule-sets'] });
  };
  const parsed = (() => {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      return null;
    }
  })();
  const draft = useMutation({
    mutationFn: () => api.post<RuleSet>('/v1/aml/rule-sets', {}),
    onSuccess: (r) => done(r, t('rules.drafted', { version: r.version })),
    onError: (e) => void message.error(errorText(e)),
  });
  const save = useMutation({
    mutationFn: () => api.put<RuleSet>(`/v1/aml/rule-sets/${selected?.id}`, { content: parsed }),
    onSuccess: (r) => done(r, t('rules.saved')),
  });
  const publish = useMutation({
    mutationFn: () => api.post<RuleSet>(`/v1/aml/rule-sets/${selected?.id}/publish`),
    onSuccess: (r) => done(r, t('rules.publishedNote', { version: r.version })),
  });
  const editable = selected?.status === 'draft';
  return (
    <>
      <PageTitle
        extra={
          <Button type="primary" loading={draft.isPending} onClick={() => draft.mutate()}>
            {t('rules.newDraft')}
          </Button>
        }
      >
        {t('rules.title')}
      </PageTitle>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card>
          {sets.isError && <ErrorAlert error={sets.error} onRetry={() => void sets.refetch()} />}
          <Table<RuleSet>
            rowKey="id"
            size="small"
            loading={sets.isPending}
            dataSource={sets.data?.items ?? []}
            pagination={false}
            aria-label={t('rules.title')}
            columns={[
              { key: 'version', title: t('rules.version'), dataIndex: 'version' },
              {
                key: 'status',
                title: t('rules.status'),
                render: (_, r) => <Tag color={STATUS_COLOURS[r.status]}>{t(`rules.state.${r.status}`)}</Tag>,
              },
              { key: 'description', title: t('rules.description'), render: (_, r) => r.description ?? '—' },
              {
                key: 'created',
                title: t('rules.created'),
                render: (_, r) => `${formatDate(r.createdAt)} · ${r.createdBy}`,
              },
              {
                key: 'published',
                title: t('rules.publishedAt'),
                render: (_, r) => formatDate(r.publishedAt),
              },
              {
                key: 'open',
                title: '',
                render: (_, r) => (
                  <Button size="small" onClick={() => open(r)}>
                    {r.status === 'draft' ? t('rules.edit') : t('rules.view')}
                  </Button>
                ),
              },
            ]}
          />
        </Card>
        {selected && (
          <Card
            title={t('rules.editing', {
              version: selected.version,
              status: t(`rules.state.${selected.status}`),
            })}
            extra={
              <Space>
                <Segmented
                  value={mode}
                  onChange={(v) => setMode(v as 'table' | 'json')}
                  options={[
                    { value: 'table', label: t('rules.tableMode') },
                    { value: 'json', label: 'JSON' },
                  ]}
                />
                {editable && (
                  <>
                    <Button disabled={!parsed} loading={save.isPending} onClick={() => save.mutate()}>
                      {t('rules.save')}
                    </Button>
                    <Button type="primary" loading={publish.isPending} onClick={() => publish.mutate()}>
                      {t('rules.publish')}
                    </Button>
                  </>
                )}
              </Space>
            }
          >
            {(save.isError || publish.isError) && <ErrorAlert error={save.error ?? publish.error} />}
            <Alert type="info" showIcon message={t('rules.help')} style={{ marginBottom: 12 }} />
            {mode === 'json' || !parsed ? (
              <Input.TextArea
                aria-label={t('rules.json')}
                value={text}
                readOnly={!editable}
                onChange={(e) => setText(e.target.value)}
                autoSize={{ minRows: 16, maxRows: 40 }}
                style={{ fontFamily: 'monospace' }}
              />
            ) : (
              <div style={{ height: 'calc(100vh - 320px)', minHeight: 480 }}>
                <Suspense fallback={<Spin />}>
                  <GraphEditor
                    value={parsed as DecisionGraphType}
                    disabled={!editable}
                    onChange={(value) => setText(JSON.stringify(value, null, 2))}
                  />
                </Suspense>
              </div>
            )}
          </Card>
        )}
      </Space>
    </>
  );
}
