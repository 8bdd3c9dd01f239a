import type { UseQueryResult } from '@tanstack/react-query';
import { Alert, Button, Card, Empty, Form, Input, Result, Skeleton, Tag, Tooltip, Typography } from 'antd';
import type { Rule } from 'antd/es/form';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { Money } from '../api.ts';
import { errorText } from '../errors.ts';
import { amountProblem, formatMoney, formatRate, minorDigits } from '../money.ts';

/** An exact amount with its currency symbol and thousands separators; tabular digits. */
export function Amount({
  value,
  strong,
  type,
}: {
  value: Money | null | undefined;
  strong?: boolean;
  type?: 'success' | 'danger' | 'secondary';
}) {
  return (
    <Typography.Text
      strong={strong}
      type={type}
      // The size of where it stands (a statistic's figure, a heading), as a percentage beside it would be.
      style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap', fontSize: 'inherit' }}
    >
      {formatMoney(value)}
    </Typography.Text>
  );
}

/** A product's or loan's risk level (R1-R5), with what it means and whom it suits on hover and focus. */
export function RiskLevel({ level }: { level: string }) {
  const { t } = useTranslation();
  const meaning = t(`riskLevel.${level}`, { defaultValue: '' });
  if (!meaning) return <Tag>{level}</Tag>;
  return (
    <Tooltip title={meaning}>
      <Tag style={{ cursor: 'help' }}>
        {level}
        <span className="visually-hidden">{` (${meaning})`}</span>
      </Tag>
    </Tooltip>
  );
}

export function Rate({ value }: { value: string | null | undefined }) {
  return <span style={{ fontVariantNumeric: 'tabular-nums' }}>{formatRate(value)}</span>;
}

/** The validation rule the API applies to an amount, in the user's language. */
export function useAmountRules(
  currency = 'CNY',
  options: { allowZero?: boolean; required?: boolean } = {},
): Rule[] {
  const { t } = useTranslation();
  return [
    { required: options.required !== false, message: t('validation.required') },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value === undefined || value === '') return;
        const problem = amountProblem(value, currency, options);
        if (problem) throw new Error(t(`validation.${problem}`, { digits: minorDigits(currency) }));
      },
    },
  ];
}

/** A text field for an amount: typed as text (never parsed to a float), decimal keypad on phones. */
export function AmountInput(props: {
  id?: string;
  value?: string;
  onChange?: (value: string) => void;
  currency?: string;
  placeholder?: string;
  'aria-label'?: string;
}) {
  const { currency = 'CNY', onChange, ...rest } = props;
  return (
    <Input
      {...rest}
      inputMode="decimal"
      autoComplete="off"
      prefix={currency === 'CNY' ? '¥' : undefined}
      suffix={currency}
      onChange={(event) => onChange?.(event.target.value.replace(/[,\s，]/g, ''))}
    />
  );
}

export function ErrorAlert({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <Alert
      type="error"
      showIcon
      role="alert"
      title={errorText(error)}
      action={
        onRetry ? (
          <Button size="small" onClick={onRetry}>
            {t('state.retry')}
          </Button>
        ) : undefined
      }
    />
  );
}

/** Loading, error and empty states for a query, then its content. */
export function QueryView<T>({
  query,
  empty,
  children,
}: {
  query: UseQueryResult<T>;
  empty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  const { t } = useTranslation();
  if (query.isPending) return <Skeleton active aria-label={t('state.loading')} />;
  if (query.isError) return <ErrorAlert error={query.error} onRetry={() => void query.refetch()} />;
  if (empty?.(query.data)) return <Empty description={t('state.empty')} />;
  return <>{children(query.data)}</>;
}

export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div
      style={{
        display: 'flex',
        alignItems: 'center',
        justifyContent: 'space-between',
        gap: 12,
        flexWrap: 'wrap',
        marginBottom: 16,
      }}
    >
      <Typography.Title level={3} style={{ margin: 0 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}

export function Forbidden() {
  const { t } = useTranslation();
  return <Result status="403" title="403" subTitle={t('state.forbidden')} />;
}

export function PasswordField({ name, label }: { name: string; label: string }) {
  const { t } = useTranslation();
  return (
    <Form.Item name={name} label={label} rules={[{ required: true, message: t('validation.required') }]}>
      <Input.Password autoComplete="current-password" />
    </Form.Item>
  );
}

/** A headline figure on a card: its label, the value in tabular digits, and an optional note. */
export function Figure({
  label,
  value,
  note,
}: {
  label: string;
  value: ReactNode;
  note?: string | undefined;
}) {
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Typography.Text type="secondary" style={{ display: 'block' }}>
        {label}
      </Typography.Text>
      <Typography.Text strong style={{ fontSize: 20, fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </Typography.Text>
      {note ? (
        <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
          {note}
        </Typography.Text>
      ) : null}
    </Card>
  );
}
