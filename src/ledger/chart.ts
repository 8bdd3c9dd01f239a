import { AccountFlag } from './model.ts';

/**
 * netfin's chart of accounts: the `code` of every ledger account says what it is. Debit-normal
 * accounts (assets, expenses) grow by debits; credit-normal ones (liabilities, income, equity) by
 * credits. An account that must never go below zero on its normal side carries the matching flag:
 * a credit-normal account gets debitsMustNotExceedCredits, a debit-normal one
 * creditsMustNotExceedDebits. docs/ledger.md explains each entry.
 */
export type NormalSide = 'debit' | 'credit';

export interface ChartEntry {
  readonly code: number;
  readonly name: string;
  readonly normal: NormalSide;
  readonly flags: number;
  readonly description: string;
}

const never_negative_credit = AccountFlag.debitsMustNotExceedCredits;
const never_negative_debit = AccountFlag.creditsMustNotExceedDebits;

export const ChartOfAccounts = {
  // Assets
  channelCash: {
    code: 1001,
    name: 'channel_cash',
    normal: 'debit',
    flags: 0,
    description: 'Platform cash held at one payment channel or bank (one account per channel and currency).',
  },
  channelClearing: {
    code: 1002,
    name: 'channel_clearing',
    normal: 'debit',
    flags: 0,
    description:
      'Money in transit through a channel: charged but not yet settled, or paid out but not yet confirmed.',
  },
  loanPrincipal: {
    code: 1101,
    name: 'loan_principal_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Principal a borrower owes on one loan.',
  },
  loanInterest: {
    code: 1102,
    name: 'loan_interest_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Interest due and unpaid on one loan.',
  },
  loanPenalty: {
    code: 1103,
    name: 'loan_penalty_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Penalty interest and late fees accrued and unpaid on one loan.',
  },
  loanFees: {
    code: 1104,
    name: 'loan_fee_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Per-period borrower fees due and unpaid on one loan.',
  },
  reserveClaim: {
    code: 1201,
    name: 'reserve_claim_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: "The platform's claim on a borrower after the reserve fund advanced investors' money.",
  },
  // Liabilities: money the platform holds for others
  userWallet: {
    code: 2001,
    name: 'user_wallet',
    normal: 'credit',
    flags: never_negative_credit,
    description: "A customer's wallet; frozen funds are its pending debits (two-phase transfers).",
  },
  merchantSettlement: {
    code: 2002,
    name: 'merchant_settlement',
    normal: 'credit',
    flags: never_negative_credit,
    description: "A merchant's settlement wallet.",
  },
  investorNote: {
    code: 2101,
    name: 'investor_note_principal',
    normal: 'credit',
    flags: never_negative_credit,
    description: "An investor's note: their share of one loan's principal.",
  },
  loanFunding: {
    code: 2102,
    name: 'loan_funding',
    normal: 'credit',
    flags: never_negative_credit,
    description: "Investors' money for one listing: frozen bids are pending credits, posted at disbursement.",
  },
  loanInterestPayable: {
    code: 2103,
    name: 'loan_interest_payable',
    normal: 'credit',
    flags: never_negative_credit,
    description:
      'Interest fallen due on one loan and owed to its note holders (or the reserve that advanced it).',
  },
  riskReserve: {
    code: 2201,
    name: 'risk_reserve_fund',
    normal: 'credit',
    flags: never_negative_credit,
    description: 'The risk reserve fund that advances overdue instalments to investors.',
  },
  fundHolding: {
    code: 2301,
    name: 'fund_holding',
    normal: 'credit',
    flags: never_negative_credit,
    description: "An investor's holding in a wealth product.",
  },
  suspense: {
    code: 2901,
    name: 'suspense',
    normal: 'credit',
    flags: 0,
    description: 'Money received that cannot yet be matched to its owner (reconciliation exceptions).',
  },
  // Income and expense
  feeIncome: {
    code: 4001,
    name: 'fee_income',
    normal: 'credit',
    flags: 0,
    description: 'Borrower fees, investor service fees, transfer and withdrawal fees.',
  },
  penaltyIncome: {
    code: 4002,
    name: 'penalty_income',
    normal: 'credit',
    flags: 0,
    description: 'Penalty interest and late fees collected for the platform.',
  },
  channelFees: {
    code: 5001,
    name: 'channel_fee_expense',
    normal: 'debit',
    flags: 0,
    description: 'Fees the payment channels charge the platform.',
  },
  writeOffs: {
    code: 5002,
    name: 'write_off_expense',
    normal: 'debit',
    flags: 0,
    description: 'Principal and interest written off as unrecoverable.',
  },
  // Consumer credit (src/credit): a line's debt, its income, and its limit as memo accounts
  creditPrincipal: {
    code: 1301,
    name: 'credit_line_principal_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: "Principal a customer owes on one credit line's cash draws: the platform's own funds lent.",
  },
  creditInterest: {
    code: 1302,
    name: 'credit_line_interest_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Daily interest accrued and unpaid on one credit line.',
  },
  creditInterestIncome: {
    code: 4003,
    name: 'credit_interest_income',
    normal: 'credit',
    flags: 0,
    description: "Interest earned on credit lines' cash draws.",
  },
  creditUnbilled: {
    code: 1303,
    name: 'credit_line_unbilled_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description:
      "Principal a customer owes on one line's purchases and instalment plans that no statement has billed yet.",
  },
  statementPrincipal: {
    code: 1311,
    name: 'credit_statement_principal_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Principal one statement billed and is still unpaid.',
  },
  statementFees: {
    code: 1312,
    name: 'credit_statement_fee_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Instalment fees one statement billed and are still unpaid.',
  },
  statementInterest: {
    code: 1313,
    name: 'credit_statement_interest_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Interest one statement billed and is still unpaid.',
  },
  statementPenalty: {
    code: 1314,
    name: 'credit_statement_penalty_receivable',
    normal: 'debit',
    flags: never_negative_debit,
    description: 'Penalty interest accrued on one overdue statement and still unpaid.',
  },
  creditFeeIncome: {
    code: 4004,
    name: 'credit_fee_income',
    normal: 'credit',
    flags: 0,
    description: 'Instalment fees earned on credit lines, recognised as each instalment is billed.',
  },
  creditPenaltyIncome: {
    code: 4005,
    name: 'credit_penalty_income',
    normal: 'credit',
    flags: 0,
    description: 'Penalty interest earned on overdue credit-line statements.',
  },
  merchantDiscountIncome: {
    code: 4006,
    name: 'merchant_discount_income',
    normal: 'credit',
    flags: 0,
    description: 'The merchant discount taken from purchases paid with credit.',
  },
  creditFundingCost: {
    code: 5003,
    name: 'credit_funding_cost',
    normal: 'debit',
    flags: 0,
    description:
      "The cost of the platform's own funds lent through credit lines, accrued daily at the configured rate.",
  },
  creditFunding: {
    code: 3002,
    name: 'credit_funding',
    normal: 'credit',
    flags: 0,
    description:
      "The platform's treasury as the funder of consumer credit: credited by the cost of the funds credit has lent.",
  },
  creditLimit: {
    code: 6001,
    name: 'credit_line_limit',
    normal: 'debit',
    flags: 0,
    description: "Memo: one line's commitment; its balance is the limit, always available plus used.",
  },
  creditAvailable: {
    code: 6002,
    name: 'credit_line_available',
    normal: 'credit',
    flags: never_negative_credit,
    description: 'Memo: what one line can still draw; the ledger refuses a draw that would overdraw it.',
  },
  creditUsed: {
    code: 6003,
    name: 'credit_line_used',
    normal: 'credit',
    flags: never_negative_credit,
    description: 'Memo: the part of one line in use (principal drawn and not yet repaid).',
  },
  // Wealth management (issue 18, docs/wealth.md)
  wealthSubscriptionPending: {
    code: 2302,
    name: 'wealth_subscription_pending',
    normal: 'credit',
    flags: never_negative_credit,
    description: "Money taken from wallets for one product's subscriptions not yet confirmed.",
  },
  fundUnits: {
    code: 2303,
    name: 'fund_units',
    normal: 'credit',
    flags: never_negative_credit,
    description:
      "An investor's units of one distributed mutual fund, in hundredths of a unit (the fund's own unit ledger).",
  },
  mmfLiquidity: {
    code: 2304,
    name: 'mmf_liquidity',
    normal: 'credit',
    flags: never_negative_credit,
    description:
      "The money-market fund's liquidity for quick redemptions: operations top it up; a quick redemption draws on it.",
  },
  mmfLiquidityUsed: {
    code: 2305,
    name: 'mmf_liquidity_used',
    normal: 'credit',
    flags: never_negative_credit,
    description: 'What quick redemptions drew from the liquidity, given back to it when they settle.',
  },
  wealthRaising: {
    code: 2306,
    name: 'wealth_raising',
    normal: 'credit',
    flags: never_negative_credit,
    description: 'Money raised for one fixed-term product before its value date (refunded if it fails).',
  },
  fundUnitsIssued: {
    code: 6101,
    name: 'fund_units_issued',
    normal: 'debit',
    flags: 0,
    description:
      "Memo: one distributed fund's units held through netfin (the counterpart of its holders' units).",
  },
  fundCustody: {
    code: 2307,
    name: 'fund_custody',
    normal: 'credit',
    flags: 0,
    description:
      "Money passed through to one distributed fund's manager for netfin's investors: subscriptions paid in, less redemptions paid out (negative when redemptions, gains included, exceed them).",
  },
  mmfIncome: {
    code: 5201,
    name: 'wealth_fund_income',
    normal: 'debit',
    flags: 0,
    description: "The money-market fund's income credited to its holders as new units (万份收益 × units).",
  },
  wealthInterest: {
    code: 5202,
    name: 'wealth_interest_expense',
    normal: 'debit',
    flags: 0,
    description: 'Interest paid to holders of fixed-term products at maturity or early redemption.',
  },
  // CRM campaigns (issue 20, docs/crm-campaigns.md)
  marketingExpense: {
    code: 5301,
    name: 'marketing_expense',
    normal: 'debit',
    flags: 0,
    description:
      "Campaign rewards paid to customers' wallets: cash bonuses, rate coupons' value, referral rewards.",
  },
  // Crowdfunding (issue 25, docs/crowdfunding.md)
  crowdfundingHolds: {
    code: 2401,
    name: 'crowdfunding_holds',
    normal: 'credit',
    flags: never_negative_credit,
    description:
      "Backers' money for one crowdfunding project: held backings are pending credits, posted when the project succeeds.",
  },
  crowdfundingEscrow: {
    code: 2402,
    name: 'crowdfunding_escrow',
    normal: 'credit',
    flags: never_negative_credit,
    description:
      "A successful project's money after the platform's fee, paid out to its creator by the payout plan or refunded to backers.",
  },
  // Equity and the outside world
  equity: {
    code: 3001,
    name: 'platform_equity',
    normal: 'credit',
    flags: 0,
    description: 'Capital the operator puts in (it seeds the risk reserve, for example).',
  },
  external: {
    code: 9001,
    name: 'external',
    normal: 'debit',
    flags: 0,
    description:
      'Money outside netfin, for tests and demonstrations only; real money enters through channel accounts.',
  },
} as const satisfies Record<string, ChartEntry>;

export type ChartKey = keyof typeof ChartOfAccounts;

const byCode = new Map<number, ChartEntry>(
  Object.values(ChartOfAccounts).map((entry) => [entry.code, entry]),
);

export function chartEntry(code: number): ChartEntry | undefined {
  return byCode.get(code);
}

/** The balance on the account's normal side: what a wallet holds, what a loan still owes. */
export function normalBalance(
  code: number,
  balances: { debitsPosted: bigint; creditsPosted: bigint },
): bigint {
  const entry = byCode.get(code);
  return entry?.normal === 'debit'
    ? balances.debitsPosted - balances.creditsPosted
    : balances.creditsPosted - balances.debitsPosted;
}
