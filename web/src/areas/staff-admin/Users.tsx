import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Checkbox, Form, Modal, Select, Space, Tag } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ROLES } from '../../../../src/identity/roles.ts';
import { ApiError, api, newKey } from '../../api.ts';
import { ErrorAlert, PageTitle } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { can, useMe } from '../../session.tsx';
import { ResponsiveTable } from '../staff-ops/ResponsiveTable.tsx';

interface UserRow {
  id: string;
  phone: string;
  displayName: string | null;
  roles: string[];
  kycLevel: number;
  isStaff: boolean;
  status: string;
  createdAt: string;
}

/** Users with their roles (personal data masked); administrators change roles. */
export function Users() {
  const { t } = useTranslation('staffAdmin');
  const me = useMe();
  const manage = can(me.data, 'staff:manage');
  const [role, setRole] = useState<string | undefined>(undefined);
  const [editing, setEditing] = useState<UserRow | null>(null);
  const users = useInfiniteQuery({
    queryKey: ['admin', 'users', role],
    queryFn: ({ pageParam }) =>
      api.get<{ items: UserRow[]; nextBefore: string | null }>('/v1/admin/users', {
        role,
        limit: 50,
        before: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextBefore ?? undefined,
  });
  const items = users.data?.pages.flatMap((p) => p.items) ?? [];
  const columns: ColumnsType<UserRow> = [
    { title: t('phone'), dataIndex: 'phone' },
    { title: t('name'), dataIndex: 'displayName', render: (v: string | null) => v ?? '—' },
    {
      title: t('roles'),
      dataIndex: 'roles',
      render: (roles: string[]) => (
        <Space wrap size={4}>
          {roles.map((r) => (
            <Tag key={r}>{t(`roleNames.${r}`, { defaultValue: r })}</Tag>
          ))}
        </Space>
      ),
    },
    { title: t('kyc'), dataIndex: 'kycLevel', align: 'right' },
    {
      title: t('status'),
      dataIndex: 'status',
      render: (v: string) => t(`statuses.${v}`, { defaultValue: v }),
    },
    { title: t('joinedAt'), dataIndex: 'createdAt', render: (v: string) => formatDate(v) },
    ...(manage
      ? [
          {
            title: t('changeRoles'),
            key: 'roles-edit',
            render: (_v: unknown, u: UserRow) => (
              <Button
                size="small"
                onClick={() => setEditing(u)}
                aria-label={`${t('changeRoles')} ${u.displayName ?? u.phone}`}
              >
                {t('changeRoles')}
              </Button>
            ),
          },
        ]
      : []),
  ];
  return (
    <>
      <PageTitle
        extra={
          <Select
            aria-label={t('role')}
            allowClear
            placeholder={t('allRoles')}
            style={{ minWidth: 200 }}
            value={role}
            onChange={setRole}
            options={ROLES.map((r) => ({ value: r, label: t(`roleNames.${r}`) }))}
          />
        }
      >
        {t('usersTitle')}
      </PageTitle>
      <Card>
        {users.isError ? (
          <ErrorAlert error={users.error} onRetry={() => void users.refetch()} />
        ) : (
          <>
            <ResponsiveTable<UserRow>
              label={t('usersTitle')}
              actionKeys={['roles-edit']}
              rowKey="id"
              size="small"
              columns={columns}
              dataSource={items}
              loading={users.isPending}
              pagination={false}
            />
            {users.hasNextPage && (
              <Button block style={{ marginTop: 12 }} onClick={() => void users.fetchNextPage()}>
                {t('common:state.more')}
              </Button>
            )}
          </>
        )}
      </Card>
      <RolesModal user={editing} onClose={() => setEditing(null)} />
    </>
  );
}

function RolesModal({ user, onClose }: { user: UserRow | null; onClose: () => void }) {
  const { t } = useTranslation('staffAdmin');
  const [form] = Form.useForm<{ roles: string[] }>();
  const [key, setKey] = useState(newKey);
  const client = useQueryClient();
  const { message } = App.useApp();
  const save = useMutation({
    // A refused request (4xx) is stored under its key: the next attempt needs a key of its own.
    onSettled: (_data, error) => {
      if (!error || (error instanceof ApiError && error.status >= 400 && error.status < 500))
        setKey(newKey());
    },
    mutationFn: (v: { roles: string[] }) =>
      api.put(`/v1/admin/users/${user!.id}/roles`, { roles: v.roles }, key),
    onSuccess: () => {
      setKey(newKey());
      void message.success(t('rolesSaved'));
      void client.invalidateQueries({ queryKey: ['admin', 'users'] });
      onClose();
    },
  });
  return (
    <Modal
      open={!!user}
      title={t('rolesTitle', { name: user?.displayName ?? user?.phone ?? '' })}
      okText={t('saveRoles')}
      cancelText={t('common:action.cancel')}
      confirmLoading={save.isPending}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Form
        name="roles"
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ roles: user?.roles ?? [] }}
        onFinish={(v) => save.mutate(v)}
      >
        <Form.Item name="roles" label={t('roles')}>
          <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: t(`roleNames.${r}`) }))} />
        </Form.Item>
      </Form>
      {save.isError && <ErrorAlert error={save.error} />}
    </Modal>
  );
}
