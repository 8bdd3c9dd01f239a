import { sql } from 'kysely';
import { type BatchStep, businessDateIn } from '../batch/index.ts';
import { type Executor, inTransaction } from '../db/index.ts';
import { Decimal, divideRounded, invalid, type PlainDate, toFraction } from '../kernel/index.ts';
import type { Ledger } from '../ledger/index.ts';
import {
  CREDIT_FEE_INCOME_ACCOUNT,
  CREDIT_FUNDING_ACCOUNT,
  CREDIT_FUNDING_COST_ACCOUNT,
  CREDIT_INTEREST_INCOME_ACCOUNT,
  CREDIT_PENALTY_INCOME_ACCOUNT,
  CreditCode,
  CURRENCY,
  ensurePlatformAccounts,
  lineAccount,
  MERCHANT_DISCOUNT_INCOME_ACCOUNT,
  post,
  statementAccount,
} from './accounts.ts';
import type { CreditContext } from './lines.ts';

/**
 * Funding: the platform lends its own funds through credit lines, and each day-close accrues what
 * those funds cost: the principal receivable over every line (cash draws 1301, purchases and plans
 * not yet billed 1303, principal billed and unpaid on statements 1311) × the product's yearly
 * funding cost rate ÷ 365, rounded half up once for the whole book, one posting debit funding cost
 * (5003) → credit the funding account (3002). Lines are grouped by product, each group at its
 * product's current rate (the cost of funds is the treasury's today, not a term of the line's
 * contract). A row of credit_funding_days marks the date done in the step's transaction, so the step
 * run again changes nothing; a second step at the end of the close records the income accounts'
 * totals on that row, the reference points that give the report its income over a period.
 */
export const FUNDING_POSITION = 380;
export const FUNDING_REPORT_POSITION = 890;

export interface Outstanding {
  /** Daily-interest cash draws' principal (1301). */
  readonly cashDraws: bigint;
  /** Purchases and plans not yet billed (1303). */
  readonly unbilled: bigint;
  /** Principal billed on statements and unpaid (1311). */
  readonly billed: bigint;
}

export interface Income {
  readonly interest: bigint;
  readonly fees: bigint;
  readonly penalty: bigint;
  readonly merchantDiscount: bigint;
}

export interface FundingReport {
  /** The period asked for (both null: since the start, as of now). */
  readonly from: PlainDate | null;
  readonly to: PlainDate | null;
  /** Principal outstanding now, or as the day-close of `to` measured it when `to` is closed. */
  readonly outstanding: Outstanding & { readonly total: bigint };
  readonly income: Income & { readonly total: bigint };
  readonly fundingCost: bigint;
  /** Income less the funding cost. */
  readonly margin: bigint;
}

const OUTSTANDING_KINDS = ['cashDraws', 'unbilled', 'billed'] as const;

/**
 * The principal receivable by product and kind, from the ledger: one summing query over the lines'
 * and open statements' accounts (a settled statement owes nothing).
 */
async function outstandingByProduct(
  ledger: Ledger,
  db: Executor,
): Promise<Map<string, Record<(typeof OUTSTANDING_KINDS)[number], bigint>>> {
  const lines = await sql<{ id: string; product_id: string }>`
    select id, product_id from credit_lines where status in ('active', 'frozen')`.execute(db);
  const statements = await sql<{ id: string; product_id: string }>`
    select s.id, l.product_id from credit_statements s join credit_lines l on l.id = s.line_id
    where s.settled_on is null`.execute(db);
  const accounts = [
    ...lines.rows.flatMap((l) => [
      { id: lineAccount.principal(l.id), group: `${l.product_id}|cashDraws` },
      { id: lineAccount.unbilled(l.id), group: `${l.product_id}|unbilled` },
    ]),
    ...statements.rows.map((s) => ({
      id: statementAccount.principal(s.id),
      group: `${s.product_id}|billed`,
    })),
  ];
  const sums = await ledger.sumBalances(accounts, { tx: db });
  const byProduct = new Map<string, Record<(typeof OUTSTANDING_KINDS)[number], bigint>>();
  for (const [group, b] of sums) {
    const [product = '', kind = ''] = group.split('|');
    const entry = byProduct.get(product) ?? { cashDraws: 0n, unbilled: 0n, billed: 0n };
    entry[kind as (typeof OUTSTANDING_KINDS)[number]] += b.debitsPosted - b.creditsPosted;
    byProduct.set(product, entry);
  }
  return byProduct;
}

function totalOf(byProduct: Map<string, Record<(typeof OUTSTANDING_KINDS)[number], bigint>>): Outstanding {
  let cashDraws = 0n;
  let unbilled = 0n;
  let billed = 0n;
  for (const o of byProduct.values()) {
    cashDraws += o.cashDraws;
    unbilled += o.unbilled;
    billed += o.billed;
  }
  return { cashDraws, unbilled, billed };
}

/**
 * Σ outstanding × rate ÷ 365 over the products, rounded half up once: exact, in integers (each
 * rate a decimal fraction brought to the largest denominator among them).
 */
export function dayCost(parts: readonly { outstanding: bigint; yearlyRate: string }[]): bigint {
  const fractions = parts.map((p) => ({
    outstanding: p.outstanding,
    ...toFraction(new Decimal(p.yearlyRate)),
  }));
  const denominator = fractions.reduce((d, f) => (f.denominator > d ? f.denominator : d), 1n);
  const numerator = fractions.reduce(
    (n, f) => n + f.outstanding * f.numerator * (denominator / f.denominator),
    0n,
  );
  return divideRounded(numerator, denominator * 365n, 'half_up');
}

async function accrueFunding(context: CreditContext, trx: Executor, date: PlainDate): Promise<number> {
  const done = await sql`select 1 from credit_funding_days where business_date = ${date}`.execute(trx);
  if (done.rows.length > 0) return 0;
  await ensurePlatformAccounts(context.ledger, trx);
  const byProduct = await outstandingByProduct(context.ledger, trx);
  const parts = [];
  for (const [productId, o] of byProduct) {
    const product = await context.products.current(productId, trx);
    parts.push({
      outstanding: o.cashDraws + o.unbilled + o.billed,
      yearlyRate: product.billing.fundingCostRate,
    });
  }
  const cost = dayCost(parts);
  const total = totalOf(byProduct);
  const transferId = cost > 0n ? `credit:funding:${date}` : null;
  if (transferId)
    await post(context.ledger, trx, [
      {
        id: transferId,
        debitAccountId: CREDIT_FUNDING_COST_ACCOUNT,
        creditAccountId: CREDIT_FUNDING_ACCOUNT,
        amount: cost,
        ledger: CURRENCY,
        code: CreditCode.fundingCost,
        userData: date,
      },
    ]);
  await sql`insert into credit_funding_days (business_date, cash_draws, unbilled, billed, cost, transfer_id, created_at)
    values (${date}, ${total.cashDraws}, ${total.unbilled}, ${total.billed}, ${cost}, ${transferId}, ${context.clock.now()})`.execute(
    trx,
  );
  return byProduct.size;
}

const INCOME_ACCOUNTS = {
  interest: CREDIT_INTEREST_INCOME_ACCOUNT,
  fees: CREDIT_FEE_INCOME_ACCOUNT,
  penalty: CREDIT_PENALTY_INCOME_ACCOUNT,
  merchantDiscount: MERCHANT_DISCOUNT_INCOME_ACCOUNT,
} as const;

/** The income accounts' totals (credits less debits) and the funding cost account's (debits less credits), now. */
async function ledgerTotals(ledger: Ledger, db: Executor): Promise<{ income: Income; fundingCost: bigint }> {
  const ids = [...Object.values(INCOME_ACCOUNTS), CREDIT_FUNDING_COST_ACCOUNT];
  const accounts = new Map((await ledger.lookupAccounts(ids, { tx: db })).map((a) => [a.id, a]));
  const credit = (id: string) => {
    const a = accounts.get(id);
    return a ? a.creditsPosted - a.debitsPosted : 0n;
  };
  return {
    income: {
      interest: credit(INCOME_ACCOUNTS.interest),
      fees: credit(INCOME_ACCOUNTS.fees),
      penalty: credit(INCOME_ACCOUNTS.penalty),
      merchantDiscount: credit(INCOME_ACCOUNTS.merchantDiscount),
    },
    fundingCost: -credit(CREDIT_FUNDING_COST_ACCOUNT),
  };
}

/** Records the income accounts' totals as the date closes, on the date's funding row. */
async function recordIncome(context: CreditContext, trx: Executor, date: PlainDate): Promise<number> {
  const { income } = await ledgerTotals(context.ledger, trx);
  const updated = await sql`update credit_funding_days set interest_income = ${income.interest},
      fee_income = ${income.fees}, penalty_income = ${income.penalty}, discount_income = ${income.merchantDiscount}
    where business_date = ${date}`.execute(trx);
  return Number(updated.numAffectedRows ?? 0n);
}

export function fundingDaySteps(context: CreditContext): BatchStep[] {
  return [
    {
      name: 'credit.funding',
      owner: 'credit',
      position: FUNDING_POSITION,
      description:
        "Accrues a day's cost of the platform's funds lent through credit (principal outstanding × rate ÷ 365, half up).",
      run: (db, date) => accrueFunding(context, db, date),
    },
    {
      name: 'credit.funding-report',
      owner: 'credit',
      position: FUNDING_REPORT_POSITION,
      description: "Records credit's income totals as the day closes, for the funding report by period.",
      run: (db, date) => recordIncome(context, db, date),
    },
  ];
}

interface DayRow {
  business_date: PlainDate;
  cash_draws: bigint;
  unbilled: bigint;
  billed: bigint;
  interest_income: bigint | null;
  fee_income: bigint | null;
  penalty_income: bigint | null;
  discount_income: bigint | null;
}

const ZERO_INCOME: Income = { interest: 0n, fees: 0n, penalty: 0n, merchantDiscount: 0n };

/** The income totals recorded by the last close on or before `date` (before it, with `before`); zero before any. */
async function incomeAsOf(db: Executor, date: PlainDate, before = false): Promise<Income> {
  const rows = await sql<DayRow>`select * from credit_funding_days
    where ${before ? sql`business_date < ${date}` : sql`business_date <= ${date}`} and interest_income is not null
    order by business_date desc limit 1`.execute(db);
  const r = rows.rows[0];
  if (!r) return ZERO_INCOME;
  return {
    interest: r.interest_income ?? 0n,
    fees: r.fee_income ?? 0n,
    penalty: r.penalty_income ?? 0n,
    merchantDiscount: r.discount_income ?? 0n,
  };
}

const minus = (a: Income, b: Income): Income => ({
  interest: a.interest - b.interest,
  fees: a.fees - b.fees,
  penalty: a.penalty - b.penalty,
  merchantDiscount: a.merchantDiscount - b.merchantDiscount,
});

function report(
  from: PlainDate | null,
  to: PlainDate | null,
  outstanding: Outstanding,
  income: Income,
  fundingCost: bigint,
): FundingReport {
  const incomeTotal = income.interest + income.fees + income.penalty + income.merchantDiscount;
  return {
    from,
    to,
    outstanding: { ...outstanding, total: outstanding.cashDraws + outstanding.unbilled + outstanding.billed },
    income: { ...income, total: incomeTotal },
    fundingCost,
    margin: incomeTotal - fundingCost,
  };
}

/**
 * The funding report. Without a period: the principal outstanding now, and income and funding cost
 * since the start (the ledger accounts' balances). With one (either end may be left open): income
 * over the business dates from `from` to `to` inclusive (the totals recorded at the close of `to`, or
 * the balances now if `to` is not closed yet, less those recorded at the close before `from`), the
 * funding cost posted by the closes of those dates (their ledger transfers), and the outstanding as
 * the close of `to` measured it (now, if `to` is not closed yet).
 */
export async function fundingReport(
  context: CreditContext,
  period: { from?: PlainDate | undefined; to?: PlainDate | undefined } = {},
): Promise<FundingReport> {
  // One snapshot: the lines, statements, balances and day rows read together.
  return inTransaction(context.db, (db) => reportIn(context, db, period), {
    isolation: 'repeatable read',
    readOnly: true,
  });
}

async function reportIn(
  context: CreditContext,
  db: Executor,
  period: { from?: PlainDate | undefined; to?: PlainDate | undefined },
): Promise<FundingReport> {
  if (period.from === undefined && period.to === undefined) {
    const now = await ledgerTotals(context.ledger, db);
    return report(
      null,
      null,
      totalOf(await outstandingByProduct(context.ledger, db)),
      now.income,
      now.fundingCost,
    );
  }
  if (period.from !== undefined && period.to !== undefined && period.from > period.to)
    throw invalid('period_reversed', 'the period starts after it ends');
  const today = await businessDateIn(db, context.clock, { lock: false });
  const from = period.from ?? null;
  const to = period.to ?? today;
  const open = to >= today;
  const start = from === null ? ZERO_INCOME : await incomeAsOf(db, from, true);
  const end = open ? (await ledgerTotals(context.ledger, db)).income : await incomeAsOf(db, to);
  const days = await sql<{ transfer_id: string }>`select transfer_id from credit_funding_days
    where (${from}::date is null or business_date >= ${from}) and business_date <= ${to}
      and transfer_id is not null`.execute(db);
  const transfers = await context.ledger.lookupTransfers(
    days.rows.map((d) => d.transfer_id),
    { tx: db },
  );
  const fundingCost = transfers.reduce((sum, t) => sum + t.amount, 0n);
  let outstanding: Outstanding;
  if (open) outstanding = totalOf(await outstandingByProduct(context.ledger, db));
  else {
    const rows = await sql<DayRow>`select * from credit_funding_days where business_date <= ${to}
      order by business_date desc limit 1`.execute(db);
    const r = rows.rows[0];
    outstanding = r
      ? { cashDraws: r.cash_draws, unbilled: r.unbilled, billed: r.billed }
      : { cashDraws: 0n, unbilled: 0n, billed: 0n };
  }
  return report(period.from ?? null, period.to ?? null, outstanding, minus(end, start), fundingCost);
}
