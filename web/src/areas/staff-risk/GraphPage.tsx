import type { DecisionGraphType } from '@gorules/jdm-editor';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Input, Space, Spin, Tag, Typography } from 'antd';
import { lazy, Suspense, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { useFillHeight } from '../../components/fillHeight.ts';
import { ErrorAlert, PageTitle, QueryView } from '../../components/ui.tsx';
import { errorText } from '../../errors.ts';
import { useFormKey } from '../../formKey.ts';
import { can, useMe } from '../../session.tsx';
import type { GraphVersion } from './Graphs.tsx';
import { SimulateModal } from './SimulateModal.tsx';

// The editor and everything it brings (antd 5, reactflow, monaco) is its own chunk, fetched on this page only.
const GraphEditor = lazy(() => import('./GraphEditor.tsx'));

const statusColor: Record<string, string> = { draft: 'processing', published: 'success', retired: 'default' };

/** One graph version in the visual editor: editable as a draft, read-only once published or retired. */
export function GraphPage() {
  const { id } = useParams<{ id: string }>();
  const detail = useQuery({
    queryKey: ['risk', 'graphs', id],
    queryFn: () => api.get<GraphVersion>(`/v1/risk/graphs/${id}`),
  });
  return (
    <QueryView query={detail}>
      {(graph) => <GraphView key={`${graph.id}:${graph.createdAt}`} graph={graph} />}
    </QueryView>
  );
}

/** A publish refusal names the node at fault in its details. */
function nodeOf(error: unknown): string | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const details = error.details as { nodeName?: string; nodeId?: string } | undefined;
  return details?.nodeName ?? details?.nodeId;
}

function GraphView({ graph }: { graph: GraphVersion }) {
  const { t } = useTranslation('staffRisk');
  const me = useMe();
  const manage = can(me.data, 'risk:manage');
  const editable = manage && graph.status === 'draft';
  const client = useQueryClient();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const [content, setContent] = useState(
    () => (graph.content ?? { nodes: [], edges: [] }) as DecisionGraphType,
  );
  const [description, setDescription] = useState(graph.description ?? '');
  const [contentDirty, setDirty] = useState(false);
  const dirty = editable && (contentDirty || description !== (graph.description ?? ''));
  // The editor reports its own normalising of the content on load: only changes after a person has
  // touched it make the draft unsaved.
  const touched = useRef(false);
  const baseline = useRef('');
  const [simulating, setSimulating] = useState(false);
  // The editor takes the rest of the window below the page's header, alerts and description.
  const editorCard = useRef<HTMLDivElement>(null);
  const editorHeight = useFillHeight(editorCard, 480);
  const saveKey = useFormKey();
  const copyKey = useFormKey();
  const publishKey = useFormKey();
  const body = () => ({
    content: content as unknown as Record<string, unknown>,
    ...(description ? { description } : {}),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ['risk', 'graphs'] });

  const save = useMutation({
    mutationFn: () => api.put<GraphVersion>(`/v1/risk/graphs/${graph.id}`, body(), saveKey.key),
    onError: saveKey.renewAfter,
    onSuccess: (saved) => {
      saveKey.renew();
      baseline.current = JSON.stringify(content);
      setDirty(false);
      client.setQueryData(['risk', 'graphs', graph.id], saved);
      void message.success(t('draftSaved'));
      void refresh();
    },
  });
  const copy = useMutation({
    mutationFn: () => api.post<GraphVersion>('/v1/risk/graphs', { name: graph.name, ...body() }, copyKey.key),
    onError: copyKey.renewAfter,
    onSuccess: (draft) => {
      copyKey.renew();
      void message.success(t('draftCreated', { version: draft.version }));
      void refresh();
      void navigate(`/staff/graphs/${draft.id}`);
    },
  });
  const publish = useMutation({
    mutationFn: async () => {
      // Publish what is on screen: unsaved edits are saved first.
      if (dirty) await save.mutateAsync();
      return api.post<GraphVersion>(`/v1/risk/graphs/${graph.id}/publish`, {}, publishKey.key);
    },
    onError: publishKey.renewAfter,
    onSuccess: (published) => {
      publishKey.renew();
      client.setQueryData(['risk', 'graphs', graph.id], published);
      void message.success(t('published'));
      void refresh();
    },
  });
  const confirmPublish = () =>
    modal.confirm({
      title: t('confirmPublish', { name: graph.name, version: graph.version }),
      okText: t('publish'),
      cancelText: t('common:action.cancel'),
      onOk: () => publish.mutateAsync().catch(() => undefined),
    });
  const failed = save.error ?? copy.error ?? publish.error;
  const node = nodeOf(publish.error);
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            {editable && (
              <Button type="primary" loading={save.isPending} disabled={!dirty} onClick={() => save.mutate()}>
                {t('saveDraft')}
              </Button>
            )}
            {editable && (
              <Button loading={publish.isPending} onClick={confirmPublish}>
                {t('publish')}
              </Button>
            )}
            {manage && (
              <Button loading={copy.isPending} onClick={() => copy.mutate()}>
                {t('newDraftFrom')}
              </Button>
            )}
            <Button
              onClick={() => setSimulating(true)}
              disabled={dirty}
              title={dirty ? t('saveFirst') : undefined}
            >
              {t('simulate')}
            </Button>
          </Space>
        }
      >
        {graph.name} v{graph.version}{' '}
        <Tag color={statusColor[graph.status]}>
          {t(`graphStatuses.${graph.status}`, { defaultValue: graph.status })}
        </Tag>
      </PageTitle>
      <Space orientation="vertical" size={12} style={{ width: '100%' }}>
        <Link to="/staff/graphs">{t('backToGraphs')}</Link>
        {publish.error && node ? (
          <Alert
            type="error"
            showIcon
            role="alert"
            title={t('publishRefused', { node })}
            description={errorText(publish.error)}
          />
        ) : failed ? (
          <ErrorAlert error={failed} />
        ) : null}
        {!editable && <Alert type="info" showIcon title={t(manage ? 'readOnlyHint' : 'viewOnlyHint')} />}
        {editable && dirty && <Typography.Text type="warning">{t('unsaved')}</Typography.Text>}
        {editable ? (
          <Input
            aria-label={t('description')}
            placeholder={t('description')}
            maxLength={200}
            value={description}
            onChange={(e) => {
              setDescription(e.target.value);
            }}
          />
        ) : (
          graph.description && <Typography.Paragraph>{graph.description}</Typography.Paragraph>
        )}
        <Card
          ref={editorCard}
          style={{ height: editorHeight }}
          styles={{ body: { padding: 0, height: '100%' } }}
        >
          <section
            aria-label={t('graphEditor')}
            onPointerDownCapture={() => {
              touched.current = true;
            }}
            onKeyDownCapture={() => {
              touched.current = true;
            }}
            style={{ height: '100%' }}
          >
            <Suspense
              fallback={
                <Spin description={t('loadingEditor')}>
                  <div style={{ height: 480 }} />
                </Spin>
              }
            >
              <GraphEditor
                value={content}
                disabled={!editable}
                onChange={(value) => {
                  const json = JSON.stringify(value);
                  if (!touched.current) baseline.current = json;
                  setContent(value);
                  setDirty(editable && json !== baseline.current);
                }}
              />
            </Suspense>
          </section>
        </Card>
      </Space>
      <SimulateModal graph={simulating ? graph : null} onClose={() => setSimulating(false)} />
    </>
  );
}
