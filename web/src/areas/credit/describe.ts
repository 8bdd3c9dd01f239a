import type { TFunction } from 'i18next';

/** The plan names the statements write in an item's description, by the key of their words here. */
const PLAN_NAMES: Record<string, string> = {
  purchase: 'purchase',
  'instalment purchase': 'instalment_purchase',
  'cash instalment loan': 'draw_instalments',
  'converted statement': 'statement_instalments',
};

/**
 * A statement item's description in the user's language. The server writes it in English words
 * ("fee, instalment purchase 2/6", "purchase at <merchant>"); the known shapes are said again here,
 * and anything else is shown as it came.
 */
export function describeItem(t: TFunction, description: string | null): string {
  if (!description) return '—';
  let m = /^purchase at (.+)$/.exec(description);
  if (m) return t('credit:desc.purchaseAt', { merchant: m[1] });
  m = /^refund from (.+)$/.exec(description);
  if (m) return t('credit:desc.refundFrom', { merchant: m[1] });
  if (description === 'cash draw') return t('credit:desc.cashDraw');
  if (description === 'repayment') return t('credit:event.repayment');
  if (description === 'interest on cash draws') return t('credit:desc.cashInterest');
  if (description === 'penalty interest after the due date') return t('credit:desc.penalty');
  m = /^converted into (\d+) instalments$/.exec(description);
  if (m) return t('credit:desc.converted', { count: Number(m[1]) });
  m =
    /^(fee, |interest, )?(purchase|instalment purchase|cash instalment loan|converted statement)(?: (\d+)\/(\d+))?$/.exec(
      description,
    );
  if (m) {
    const name = t(`credit:planKind.${PLAN_NAMES[m[2]!]}`);
    const of = m[3] ? ` ${t('credit:desc.of', { seq: m[3], count: Number(m[4]) })}` : '';
    const part =
      m[1] === 'fee, ' ? t('credit:desc.feeOf') : m[1] === 'interest, ' ? t('credit:desc.interestOf') : '';
    return `${part}${name}${of}`;
  }
  return description;
}
