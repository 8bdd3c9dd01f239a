import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import type { AuditContext } from '../identity/index.ts';
import { CNY, Decimal, formatAmount, invalid, parseDecimal } from '../kernel/index.ts';
import type { LendingContext } from './loans.ts';

/**
 * Auto-invest rules (自动投标): which listings an investor wants (grades, rate range, terms in
 * months), how much per loan, a balance to keep in the wallet, and the most to hold in any one
 * borrower's loans. The marketplace serves matching investors when a listing opens.
 */
export interface AutoInvestRule {
  readonly investorId: string;
  readonly enabled: boolean;
  readonly grades: string[];
  readonly minRate: string;
  readonly maxRate: string;
  readonly minTerm: number;
  readonly maxTerm: number;
  readonly amountPerLoan: bigint;
  readonly keepBalance: bigint;
  readonly maxPerBorrower: bigint;
  readonly lastServedAt: Date | null;
  readonly updatedAt: Date;
}

interface Row {
  investor_id: string;
  enabled: boolean;
  grades: string[];
  min_rate: string;
  max_rate: string;
  min_term: number;
  max_term: number;
  amount_per_loan: bigint;
  keep_balance: bigint;
  max_per_borrower: bigint;
  last_served_at: Date | null;
  updated_at: Date;
}

const toRule = (r: Row): AutoInvestRule => ({
  investorId: r.investor_id,
  enabled: r.enabled,
  grades: r.grades,
  minRate: r.min_rate,
  maxRate: r.max_rate,
  minTerm: r.min_term,
  maxTerm: r.max_term,
  amountPerLoan: r.amount_per_loan,
  keepBalance: r.keep_balance,
  maxPerBorrower: r.max_per_borrower,
  lastServedAt: r.last_served_at,
  updatedAt: r.updated_at,
});

export type AutoInvestInput = Omit<AutoInvestRule, 'investorId' | 'lastServedAt' | 'updatedAt'>;

export async function getRule(db: Executor, investorId: string): Promise<AutoInvestRule | null> {
  const rows =
    await sql<Row>`select investor_id, enabled, grades, min_rate::text as min_rate, max_rate::text as max_rate, min_term, max_term,
    amount_per_loan, keep_balance, max_per_borrower, last_served_at, updated_at from auto_invest_rules where investor_id = ${investorId}::uuid`.execute(
      db,
    );
  return rows.rows[0] ? toRule(rows.rows[0]) : null;
}

/**
 * Saves the investor's rule. Saving it is the investor's standing acceptance (a mandate) of the loan
 * contracts auto-invest will conclude for them, recorded with the rule in one transaction; the bids
 * it makes later run without the investor and record nothing of their own.
 */
export async function saveRule(
  context: LendingContext,
  investorId: string,
  input: AutoInvestInput,
  audit?: AuditContext,
): Promise<AutoInvestRule> {
  const { clock } = context;
  const min = parseDecimal(input.minRate);
  const max = parseDecimal(input.maxRate);
  if (!min.ok || !max.ok || min.value.gt(max.value) || max.value.gt(1))
    throw invalid('rate_range_invalid', 'minRate and maxRate are decimal rates with minRate ≤ maxRate ≤ 1');
  if (input.minTerm > input.maxTerm) throw invalid('term_range_invalid', 'minTerm must not exceed maxTerm');
  if (input.amountPerLoan <= 0n || input.maxPerBorrower <= 0n || input.keepBalance < 0n)
    throw invalid('amount_must_be_positive', 'amounts per loan and per borrower must be positive');
  const grades = [...new Set(input.grades)];
  return inTransaction(context.db, async (db) => {
    await sql`insert into auto_invest_rules (investor_id, enabled, grades, min_rate, max_rate, min_term, max_term, amount_per_loan, keep_balance, max_per_borrower, updated_at)
    values (${investorId}::uuid, ${input.enabled}, ${grades}::text[], ${new Decimal(input.minRate).toFixed(6)}::numeric, ${new Decimal(input.maxRate).toFixed(6)}::numeric,
            ${input.minTerm}, ${input.maxTerm}, ${input.amountPerLoan}, ${input.keepBalance}, ${input.maxPerBorrower}, ${clock.now()})
    on conflict (investor_id) do update set enabled = excluded.enabled, grades = excluded.grades, min_rate = excluded.min_rate, max_rate = excluded.max_rate,
      min_term = excluded.min_term, max_term = excluded.max_term, amount_per_loan = excluded.amount_per_loan, keep_balance = excluded.keep_balance,
      max_per_borrower = excluded.max_per_borrower, updated_at = excluded.updated_at`.execute(db);
    const rule = (await getRule(db, investorId))!;
    // A rule switched off mandates nothing.
    if (rule.enabled)
      await context.contracts.accepted(db, audit, {
        kind: 'loan',
        subjectType: 'auto_invest_mandate',
        subjectId: investorId,
        userId: investorId,
        role: 'lender',
        acceptedAt: clock.now(),
        terms: {
          enabled: rule.enabled,
          grades: rule.grades,
          minRate: rule.minRate,
          maxRate: rule.maxRate,
          minTerm: rule.minTerm,
          maxTerm: rule.maxTerm,
          amountPerLoan: formatAmount(rule.amountPerLoan, CNY),
          keepBalance: formatAmount(rule.keepBalance, CNY),
          maxPerBorrower: formatAmount(rule.maxPerBorrower, CNY),
        },
      });
    return rule;
  });
}
