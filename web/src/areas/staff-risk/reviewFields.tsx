import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { Amount } from '../../components/ui.tsx';
import { formatDate } from '../../i18n/index.ts';
import { formatRate } from '../../money.ts';
import { regionName } from '../../regions.ts';
import { fromMinor } from '../invest/lending.ts';

/**
 * The decision's inputs as a reviewer reads them: each field under a label in the page's language,
 * amounts as money, codes as words. A field netfin does not know yet keeps its key as its label.
 */
const MONEY_FIELDS = new Set([
  'amount',
  'monthlyIncome',
  'monthlyDebt',
  'walletBalance',
  'otherPlatformOutstanding',
  'outstandingPrincipal',
]);

const cny = (amount: string) => ({ amount, currency: 'CNY' });

export function fieldLabel(key: string, t: TFunction): string {
  return t(`fields.${key}`, { defaultValue: key });
}

export function fieldValue(key: string, value: unknown, t: TFunction): ReactNode {
  if (value === null || value === undefined || value === '') return '—';
  if (MONEY_FIELDS.has(key) && typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))
    return <Amount value={cny(value)} />;
  switch (key) {
    case 'termMonths':
      return t('values.months', { count: Number(value) });
    case 'termDays':
      return t('values.days', { count: Number(value) });
    case 'accountAgeDays':
      return t('values.days', { count: Number(value) });
    case 'age':
    case 'employmentYears':
      return t('values.years', { count: Number(value) });
    case 'purpose':
      return t(`invest:purpose.${String(value)}`, { defaultValue: String(value) });
    case 'kycLevel':
      return t(`common:kycLevels.${String(value)}`, { defaultValue: String(value) });
    case 'region':
      return regionName(String(value));
    case 'debtToIncome':
      return typeof value === 'number' ? formatRate(String(value)) : String(value);
    default:
      if (typeof value === 'boolean') return value ? t('yes') : t('no');
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
  }
}

/** A reason code in words: the borrower's page's wording, and the source a `…:source` reason names. */
export function reasonText(code: string, t: TFunction): string {
  const [reason, detail] = code.split(':');
  const text = t(`borrow:reason.${reason}`, { defaultValue: code });
  return detail ? `${text} · ${t(`sourceNames.${detail}`, { defaultValue: detail })}` : text;
}

interface ReviewAction {
  actor?: unknown;
  action?: unknown;
  details?: unknown;
  at?: unknown;
}

/** What each reviewer did: when, what, and the terms they set (money and rates in words, local time). */
export function ReviewActionList({
  actions,
  nameOf,
  t,
}: {
  actions: ReviewAction[];
  nameOf: (actor: string) => string;
  t: TFunction;
}) {
  return (
    <ul style={{ margin: 0, paddingInlineStart: 20 }}>
      {actions.map((a) => {
        const details = (a.details ?? {}) as {
          stage?: string;
          amount?: string;
          annualRate?: string | null;
          reason?: string;
          message?: string;
        };
        const action = String(a.action ?? '');
        return (
          <li key={`${String(a.at)}-${String(a.actor)}-${action}`}>
            {formatDate(String(a.at ?? ''))} · {nameOf(String(a.actor ?? ''))} ·{' '}
            {t(`actionNames.${details.stage ?? action}`, { defaultValue: action })}
            {details.amount && /^\d+$/.test(details.amount) ? (
              <>
                {' · '}
                <Amount value={cny(fromMinor(BigInt(details.amount)))} />
              </>
            ) : null}
            {details.annualRate ? ` · ${formatRate(details.annualRate)}` : null}
            {details.reason ? ` · ${details.reason}` : null}
            {details.message ? ` · ${details.message}` : null}
          </li>
        );
      })}
    </ul>
  );
}
