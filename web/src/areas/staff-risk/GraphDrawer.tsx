import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Drawer, Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, newKey } from '../../api.ts';
import { JsonField } from '../../components/JsonField.tsx';
import { ErrorAlert, QueryView } from '../../components/ui.tsx';
import type { GraphVersion } from './Graphs.tsx';

/** A graph version's JDM content as JSON; risk managers save it as a draft (the visual editor is GraphPage). */
export function GraphDrawer({
  graph,
  editable,
  onClose,
}: {
  graph: GraphVersion | null;
  editable: boolean;
  onClose: () => void;
}) {
  const detail = useQuery({
    queryKey: ['risk', 'graphs', graph?.id],
    queryFn: () => api.get<GraphVersion>(`/v1/risk/graphs/${graph!.id}`),
    enabled: !!graph,
  });
  return (
    <Drawer
      open={!!graph}
      onClose={onClose}
      size="large"
      title={graph ? `${graph.name} v${graph.version}` : ''}
      destroyOnHidden
    >
      <QueryView query={detail}>
        {(g) => <GraphForm graph={g} editable={editable} onSaved={onClose} />}
      </QueryView>
    </Drawer>
  );
}

function GraphForm({
  graph,
  editable,
  onSaved,
}: {
  graph: GraphVersion;
  editable: boolean;
  onSaved: () => void;
}) {
  const { t } = useTranslation('staffRisk');
  const [form] = Form.useForm<{ content: string; description?: string }>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { content: string; description?: string; asNew: boolean }) => {
      const body = {
        content: JSON.parse(v.content) as Record<string, unknown>,
        ...(v.description ? { description: v.description } : {}),
      };
      return v.asNew
        ? api.post<GraphVersion>('/v1/risk/graphs', { name: graph.name, ...body }, key)
        : api.put<GraphVersion>(`/v1/risk/graphs/${graph.id}`, body, key);
    },
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('draftSaved'));
      void client.invalidateQueries({ queryKey: ['risk', 'graphs'] });
      onSaved();
    },
  });
  const submit = (asNew: boolean) => void form.validateFields().then((v) => save.mutate({ ...v, asNew }));
  return (
    <Form
      name="graph"
      form={form}
      layout="vertical"
      disabled={!editable}
      initialValues={{
        content: JSON.stringify(graph.content ?? {}, null, 2),
        description: graph.description ?? '',
      }}
    >
      <Form.Item name="description" label={t('description')}>
        <Input maxLength={200} />
      </Form.Item>
      <JsonField name="content" label={t('graphJson')} invalid={t('jsonInvalid')} rows={[16, 40]} />
      {save.isError && (
        <Form.Item>
          <ErrorAlert error={save.error} />
        </Form.Item>
      )}
      {editable && (
        <Space wrap>
          {graph.status === 'draft' && (
            <Button type="primary" loading={save.isPending} onClick={() => submit(false)}>
              {t('saveDraft')}
            </Button>
          )}
          <Button loading={save.isPending} onClick={() => submit(true)}>
            {t('saveAsDraft')}
          </Button>
        </Space>
      )}
    </Form>
  );
}
