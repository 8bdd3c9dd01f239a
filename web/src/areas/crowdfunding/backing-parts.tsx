import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { errorText } from '../../errors.ts';
import { currentLanguage, formatDate } from '../../i18n/index.ts';
import { formatMoney } from '../../money.ts';
import { ActionModal, useRequired } from './forms.tsx';
import type { Address, Backing, ProjectPage } from './types.ts';

const STATUS_COLORS: Record<Backing['status'], string> = {
  awaiting_payment: 'gold',
  failed: 'red',
  held: 'blue',
  collected: 'green',
  cancelled: 'default',
  released: 'default',
};

/** Awaiting a card payment, held, charged, refunded (in full or part), released, cancelled or failed, in words. */
export function BackingStatusTag({ backing }: { backing: Backing }) {
  const { t } = useTranslation('crowdfunding');
  const refunded = !/^0(\.0+)?$/.test(backing.refunded.amount);
  if (refunded && backing.status === 'collected')
    return (
      <Tag color="orange">
        {backing.refunded.amount === backing.amount.amount
          ? t('backingStatus.refunded')
          : t('backingStatus.partlyRefunded', { amount: formatMoney(backing.refunded) })}
      </Tag>
    );
  return <Tag color={STATUS_COLORS[backing.status]}>{t(`backingStatus.${backing.status}`)}</Tag>;
}

/** Why a backing by card failed, in the page's language (the API gives both). */
export function failureText(backing: Backing): string | null {
  if (!backing.failureReason) return null;
  return currentLanguage() === 'zh' ? backing.failureReason.zh : backing.failureReason.en;
}

/** Where the reward is: waiting, shipped (carrier and tracking number), delivered. */
export function DeliveryText({ backing }: { backing: Backing }) {
  const { t } = useTranslation('crowdfunding');
  if (backing.delivery === 'shipped')
    return (
      <>
        {t('delivery.shippedWith', { carrier: backing.carrier, tracking: backing.tracking })}
        {backing.shippedAt ? ` · ${formatDate(backing.shippedAt)}` : ''}
      </>
    );
  if (backing.delivery === 'delivered')
    return (
      <>
        {t('delivery.delivered')}
        {backing.deliveredAt ? ` · ${formatDate(backing.deliveredAt)}` : ''}
      </>
    );
  return <>{t('delivery.pending')}</>;
}

/** Cancel a held backing before the cut-off (shown); after it, the cut-off says why not. */
export function CancelBacking({ backing, page }: { backing: Backing; page: ProjectPage | undefined }) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { modal, message } = App.useApp();
  const cancel = useMutation({
    mutationFn: () => api.post<Backing>(`/v1/crowdfunding/backings/${backing.id}/cancel`),
    onSuccess: () => {
      void message.success(t('cancel.done'));
      void client.invalidateQueries({ queryKey: ['crowdfunding'] });
      void client.invalidateQueries({ queryKey: ['wallet'] });
    },
    onError: (error) => void message.error(errorText(error)),
  });
  if (backing.status !== 'held' || !page?.cancelUntil) return null;
  const open = page.project.phase === 'live' && Date.now() < Date.parse(page.cancelUntil);
  if (!open)
    return (
      <Typography.Text type="secondary">
        {t('cancel.closed', { date: formatDate(page.cancelUntil) })}
      </Typography.Text>
    );
  return (
    <span>
      <Button
        size="small"
        danger
        loading={cancel.isPending}
        onClick={() =>
          modal.confirm({
            title: t('cancel.title'),
            content: t('cancel.text', { amount: formatMoney(backing.amount) }),
            okText: t('cancel.ok'),
            cancelText: t('common:action.close'),
            okButtonProps: { danger: true },
            onOk: () => cancel.mutateAsync(),
          })
        }
      >
        {t('cancel.button')}
      </Button>{' '}
      <Typography.Text type="secondary">
        {t('cancel.until', { date: formatDate(page.cancelUntil) })}
      </Typography.Text>
    </span>
  );
}

/** The backer's shipping address for a reward that ships (kept encrypted by netfin). */
export function AddressButton({ backing }: { backing: Backing }) {
  const { t } = useTranslation('crowdfunding');
  const required = useRequired();
  return (
    <ActionModal<Address>
      small
      button={backing.hasAddress ? t('address.change') : t('address.give')}
      title={t('address.title')}
      ok={t('common:action.save')}
      done={t('address.saved')}
      submit={(address, key) =>
        api.post<Backing>(`/v1/crowdfunding/backings/${backing.id}/address`, address, key)
      }
    >
      <Typography.Paragraph type="secondary">{t('address.hint')}</Typography.Paragraph>
      <Form.Item name="name" label={t('address.name')} rules={[required]}>
        <Input maxLength={60} autoComplete="name" />
      </Form.Item>
      <Form.Item
        name="phone"
        label={t('address.phone')}
        rules={[required, { pattern: /^1\d{10}$/, message: t('common:validation.phone_malformed') }]}
      >
        <Input maxLength={11} inputMode="tel" autoComplete="tel" />
      </Form.Item>
      <Form.Item name="address" label={t('address.address')} rules={[required]}>
        <Input.TextArea rows={3} maxLength={300} autoComplete="street-address" />
      </Form.Item>
    </ActionModal>
  );
}

/** A complaint about a backing, for staff to resolve. */
export function ComplainButton({ backing }: { backing: Backing }) {
  const { t } = useTranslation('crowdfunding');
  const required = useRequired();
  return (
    <ActionModal<{ text: string }>
      small
      button={t('complaint.open')}
      title={t('complaint.title')}
      ok={t('complaint.send')}
      done={t('complaint.sent')}
      submit={(v, key) =>
        api.post(`/v1/crowdfunding/backings/${backing.id}/complaints`, { text: v.text.trim() }, key)
      }
    >
      <Typography.Paragraph type="secondary">{t('complaint.hint')}</Typography.Paragraph>
      <Form.Item name="text" label={t('complaint.text')} rules={[required]}>
        <Input.TextArea rows={4} maxLength={5000} showCount />
      </Form.Item>
    </ActionModal>
  );
}
