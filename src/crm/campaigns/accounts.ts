import type { Executor } from '../../db/index.ts';
import { ChartOfAccounts, type Ledger } from '../../ledger/index.ts';

/**
 * Campaign rewards in the ledger (issue 20): one marketing expense account (chart code 5301,
 * marketing_expense) pays each reward into the customer's wallet. Transfer codes in the 2000s
 * (issue 20): a campaign reward to the qualifying user, and a referral reward to their referrer.
 */
export const CRM_CURRENCY = 'CNY';
export const MARKETING_ACCOUNT = `crm:marketing:${CRM_CURRENCY}`;

export const CrmCode = {
  campaignReward: 2001,
  referralReward: 2002,
} as const;

export async function ensureMarketingAccount(ledger: Ledger, trx: Executor): Promise<void> {
  const [result] = await ledger.createAccounts(
    [
      {
        id: MARKETING_ACCOUNT,
        ledger: CRM_CURRENCY,
        code: ChartOfAccounts.marketingExpense.code,
        flags: ChartOfAccounts.marketingExpense.flags,
      },
    ],
    { tx: trx },
  );
  if (result!.result !== 'ok' && result!.result !== 'exists')
    throw new Error(`marketing account: ${result!.result}`);
}
