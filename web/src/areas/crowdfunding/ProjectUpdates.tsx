import { useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatDate } from '../../i18n/index.ts';
import { QueryEntries } from './EntryList.tsx';
import { PostForm, useRequired } from './forms.tsx';
import { type Project, useUpdates } from './types.ts';

/** Post an update to every backer (each is told by message), and the updates so far. */
export function ProjectUpdates({ project }: { project: Project }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { message } = App.useApp();
  const required = useRequired();
  const updates = useUpdates(project.id);
  return (
    <>
      <PostForm<{ title: string; body: string }, { id: string; notified: number }>
        name="cf-update"
        primary
        button={t('manage.postUpdate')}
        submit={(v, key) =>
          api.post(
            `/v1/crowdfunding/projects/${project.id}/updates`,
            { title: v.title.trim(), body: v.body.trim() },
            key,
          )
        }
        onDone={(result) => {
          void message.success(t('manage.updatePosted', { count: result.notified }));
          void client.invalidateQueries({ queryKey: ['crowdfunding'] });
        }}
      >
        <Form.Item name="title" label={t('manage.updateTitle')} rules={[required]}>
          <Input maxLength={120} />
        </Form.Item>
        <Form.Item name="body" label={t('manage.updateBody')} rules={[required]}>
          <Input.TextArea rows={4} maxLength={10_000} showCount />
        </Form.Item>
      </PostForm>
      <QueryEntries
        query={updates}
        empty={t('page.noUpdates')}
        marginTop={16}
        keyOf={(u) => u.id}
        render={(u) => (
          <>
            <Typography.Text strong>{u.title}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: 0 }}>
              {`${formatDate(u.createdAt)} · ${u.body.length > 140 ? `${u.body.slice(0, 140)}…` : u.body}`}
            </Typography.Paragraph>
          </>
        )}
      />
    </>
  );
}
