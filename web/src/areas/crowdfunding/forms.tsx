import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, type FormInstance, Input, Modal, Typography } from 'antd';
import { type CSSProperties, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newKey } from '../../api.ts';
import { AmountInput, ErrorAlert, useAmountRules } from '../../components/ui.tsx';
import { fieldErrors } from '../../errors.ts';
import { formatMoney } from '../../money.ts';
import { type Backing, fromMinor, toMinor } from './types.ts';

/** A card's title: a level-2 heading sized for a card (the page title is the level-1 one). */
export const CardHeading = ({ children }: { children: ReactNode }) => (
  <h2 style={{ fontSize: 18, margin: 0 }}>{children}</h2>
);

/** The rule of a text field that must not be left empty (nor only spaces). */
export function useRequired() {
  const { t } = useTranslation('crowdfunding');
  return { required: true, whitespace: true, message: t('common:validation.required') };
}

/**
 * A form in a modal, opened by its button: posts with its own idempotency key (kept until the server
 * answers), tells `done` and refreshes crowdfunding's queries. Used by the creator's and staff's pages.
 */
export function ActionModal<V extends object>({
  button,
  title,
  ok,
  done,
  danger,
  primary,
  small,
  children,
  submit,
}: {
  button: string;
  title: string;
  ok: string;
  /** The toast after success. */
  done: string;
  danger?: boolean;
  primary?: boolean;
  small?: boolean;
  children: ReactNode;
  submit: (values: V, key: string) => Promise<unknown>;
}) {
  const { t } = useTranslation('crowdfunding');
  const client = useQueryClient();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [key, setKey] = useState(newKey);
  const [form] = Form.useForm<V>();
  const run = useMutation({
    mutationFn: (values: V) => submit(values, key),
    onSuccess: () => {
      setOpen(false);
      setKey(newKey());
      void message.success(done);
      void client.invalidateQueries({ queryKey: ['crowdfunding'] });
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <>
      <Button
        type={primary ? 'primary' : 'default'}
        size={small ? 'small' : undefined}
        danger={danger}
        onClick={() => setOpen(true)}
      >
        {button}
      </Button>
      <Modal
        open={open}
        title={title}
        okText={ok}
        okButtonProps={{ danger }}
        cancelText={t('common:action.cancel')}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        confirmLoading={run.isPending}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => run.mutate(v)} preserve={false}>
          {children}
          {run.isError && <ErrorAlert error={run.error} />}
        </Form>
      </Modal>
    </>
  );
}

/**
 * A form on the page that posts with its own idempotency key (kept until the server answers, so a
 * double click is one operation), shows the refusal under its fields and is emptied after success.
 */
export function PostForm<V extends object, R = unknown>({
  form: given,
  name,
  button,
  primary,
  style,
  initialValues,
  children,
  submit,
  onDone,
}: {
  /** The form's instance, when the caller watches its fields. */
  form?: FormInstance<V>;
  name?: string;
  button: string;
  primary?: boolean;
  style?: CSSProperties;
  initialValues?: Partial<V>;
  children: ReactNode;
  submit: (values: V, key: string) => Promise<R>;
  onDone?: (result: R) => void;
}) {
  const [own] = Form.useForm<V>();
  const form = given ?? own;
  const [key, setKey] = useState(newKey);
  const post = useMutation({
    mutationFn: (values: V) => submit(values, key),
    onSuccess: (result) => {
      form.resetFields();
      setKey(newKey());
      onDone?.(result);
    },
    onError: (error) => form.setFields(fieldErrors(error)),
  });
  return (
    <Form
      form={form}
      layout="vertical"
      name={name}
      style={style}
      initialValues={initialValues}
      onFinish={(v) => post.mutate(v)}
    >
      {children}
      {post.isError && (
        <div style={{ marginBottom: 12 }}>
          <ErrorAlert error={post.error} />
        </div>
      )}
      <Button type={primary ? 'primary' : 'default'} htmlType="submit" loading={post.isPending}>
        {button}
      </Button>
    </Form>
  );
}

/** What of a backing can still be refunded: what was charged less what was refunded (0 unless charged). */
export function refundable(backing: Backing): bigint {
  if (backing.status !== 'collected') return 0n;
  return toMinor(backing.amount.amount) - toMinor(backing.refunded.amount);
}

/**
 * A refund of a charged backing from the project's escrow, by its creator or by staff (`url`), up to
 * what is left of it; nothing when nothing is. The words are the namespace's `refund.*`.
 */
export function RefundAction({
  backing,
  url,
  ns,
  done,
  small,
}: {
  backing: Backing;
  url: string;
  ns: 'crowdfunding' | 'staffCrowdfunding';
  done: string;
  small?: boolean;
}) {
  const { t } = useTranslation(ns);
  const amountRules = useAmountRules();
  const required = useRequired();
  const left = refundable(backing);
  if (left <= 0n) return null;
  return (
    <ActionModal<{ amount: string; reason: string }>
      danger
      small={small}
      button={t('refund.button')}
      title={t('refund.title')}
      ok={t('refund.ok')}
      done={done}
      submit={(v, key) =>
        api.post(url, { amount: { amount: v.amount, currency: 'CNY' }, reason: v.reason.trim() }, key)
      }
    >
      <Typography.Paragraph type="secondary">
        {t('refund.hint', { amount: formatMoney({ amount: fromMinor(left), currency: 'CNY' }) })}
      </Typography.Paragraph>
      <Form.Item name="amount" label={t('refund.amount')} rules={amountRules} initialValue={fromMinor(left)}>
        <AmountInput />
      </Form.Item>
      <Form.Item name="reason" label={t('refund.reason')} rules={[required]}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
    </ActionModal>
  );
}
