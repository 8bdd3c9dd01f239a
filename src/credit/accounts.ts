import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import { ruleViolation, uuidv7 } from '../kernel/index.ts';
import {
  type AccountInput,
  type ChartKey,
  ChartOfAccounts,
  type Ledger,
  type TransferInput,
} from '../ledger/index.ts';

/**
 * The ledger accounts of consumer credit (docs/credit.md draws them). Per line, three memo accounts
 * hold its limit so that the ledger itself keeps available = limit − used: the limit account is
 * debited by what is granted, which is credited to available; a draw moves credit from available to
 * used, and the available account's debitsMustNotExceedCredits flag makes the ledger refuse a draw
 * beyond it, however many arrive at once. Principal repaid moves it back. The customer's debt is
 * real money: a principal and an interest receivable per line; the platform lends its own funds,
 * so a draw is principal receivable → the customer's wallet, and interest is earned into the
 * platform's credit interest income.
 */
export const CURRENCY = 'CNY';

export const lineAccount = {
  limit: (lineId: string) => `line:${lineId}:limit`,
  available: (lineId: string) => `line:${lineId}:available`,
  used: (lineId: string) => `line:${lineId}:used`,
  principal: (lineId: string) => `line:${lineId}:principal`,
  interest: (lineId: string) => `line:${lineId}:interest`,
  /** Principal of purchases and instalment plans not yet billed on a statement. */
  unbilled: (lineId: string) => `line:${lineId}:unbilled`,
};

/** What one statement still owes, by part: billed principal, fees, interest, and penalty accrued on it. */
export const statementAccount = {
  principal: (statementId: string) => `stmt:${statementId}:principal`,
  fees: (statementId: string) => `stmt:${statementId}:fees`,
  interest: (statementId: string) => `stmt:${statementId}:interest`,
  penalty: (statementId: string) => `stmt:${statementId}:penalty`,
};

export const CREDIT_INTEREST_INCOME_ACCOUNT = `platform:credit-interest-income:${CURRENCY}`;
export const CREDIT_FEE_INCOME_ACCOUNT = `platform:credit-fee-income:${CURRENCY}`;
export const CREDIT_PENALTY_INCOME_ACCOUNT = `platform:credit-penalty-income:${CURRENCY}`;
export const MERCHANT_DISCOUNT_INCOME_ACCOUNT = `platform:merchant-discount-income:${CURRENCY}`;
export const CREDIT_FUNDING_ACCOUNT = `platform:credit-funding:${CURRENCY}`;
export const CREDIT_FUNDING_COST_ACCOUNT = `platform:credit-funding-cost:${CURRENCY}`;

/** Transfer codes of consumer credit (1700s: issue 17). */
export const CreditCode = {
  grant: 1701,
  lower: 1702,
  drawLimit: 1703,
  draw: 1704,
  accrueInterest: 1705,
  repayInterest: 1706,
  repayPrincipal: 1707,
  restoreLimit: 1708,
  /** A purchase paid with the line: unbilled → the merchant (less the discount), and the discount. */
  purchase: 1709,
  merchantDiscount: 1710,
  /** Billing an instalment or accrued interest onto a statement, and a fee or interest billed. */
  billPrincipal: 1711,
  billFee: 1712,
  billInterest: 1713,
  /** Penalty interest of a day on an overdue statement. */
  accruePenalty: 1714,
  /** A repayment of a statement's parts (penalty, fees, interest, principal). */
  repayPenalty: 1715,
  repayFee: 1716,
  repayStatementInterest: 1717,
  repayStatementPrincipal: 1718,
  /** A merchant's refund of a purchase paid with credit, and the fee it gives back. */
  refund: 1719,
  refundFee: 1720,
  /** A statement's unpaid principal moved back to unbilled when it is converted into instalments. */
  convert: 1721,
  /** The daily cost of the platform's funds lent through credit. */
  fundingCost: 1722,
} as const;

function account(id: string, key: ChartKey, userData?: string): AccountInput {
  const entry = ChartOfAccounts[key];
  return { id, ledger: CURRENCY, code: entry.code, flags: entry.flags, ...(userData ? { userData } : {}) };
}

async function create(ledger: Ledger, trx: Executor, accounts: AccountInput[]): Promise<void> {
  const results = await ledger.createAccounts(accounts, { tx: trx });
  for (const r of results)
    if (r.result !== 'ok' && r.result !== 'exists') throw new Error(`credit account ${r.id}: ${r.result}`);
}

export function ensurePlatformAccounts(ledger: Ledger, trx: Executor): Promise<void> {
  return create(ledger, trx, [
    account(CREDIT_INTEREST_INCOME_ACCOUNT, 'creditInterestIncome'),
    account(CREDIT_FEE_INCOME_ACCOUNT, 'creditFeeIncome'),
    account(CREDIT_PENALTY_INCOME_ACCOUNT, 'creditPenaltyIncome'),
    account(MERCHANT_DISCOUNT_INCOME_ACCOUNT, 'merchantDiscountIncome'),
    account(CREDIT_FUNDING_ACCOUNT, 'creditFunding'),
    account(CREDIT_FUNDING_COST_ACCOUNT, 'creditFundingCost'),
  ]);
}

export function createLineAccounts(ledger: Ledger, trx: Executor, lineId: string): Promise<void> {
  return create(ledger, trx, [
    account(lineAccount.limit(lineId), 'creditLimit', lineId),
    account(lineAccount.available(lineId), 'creditAvailable', lineId),
    account(lineAccount.used(lineId), 'creditUsed', lineId),
    account(lineAccount.principal(lineId), 'creditPrincipal', lineId),
    account(lineAccount.interest(lineId), 'creditInterest', lineId),
    account(lineAccount.unbilled(lineId), 'creditUnbilled', lineId),
  ]);
}

/** A statement's four accounts, created with it (userData: the line). */
export function createStatementAccounts(
  ledger: Ledger,
  trx: Executor,
  statementId: string,
  lineId: string,
): Promise<void> {
  return create(ledger, trx, [
    account(statementAccount.principal(statementId), 'statementPrincipal', lineId),
    account(statementAccount.fees(statementId), 'statementFees', lineId),
    account(statementAccount.interest(statementId), 'statementInterest', lineId),
    account(statementAccount.penalty(statementId), 'statementPenalty', lineId),
  ]);
}

/** A line's figures as the ledger has them, in minor units. */
export interface LineBalances {
  readonly limit: bigint;
  readonly available: bigint;
  readonly used: bigint;
  /** Principal of daily-interest cash draws. */
  readonly principal: bigint;
  /** Daily interest accrued and not yet billed. */
  readonly interest: bigint;
  /** Principal of purchases and plans not yet billed on a statement. */
  readonly unbilled: bigint;
  /** What the line's statements still owe: principal, fees, interest and penalty, all of them. */
  readonly billed: bigint;
  /** Of `billed`, the principal (so that used = principal + unbilled + billedPrincipal). */
  readonly billedPrincipal: bigint;
  /** Everything owed: principal + interest + unbilled + billed. */
  readonly total: bigint;
}

/**
 * A line's balances. `db` is the caller's transaction or the database: the line's unsettled
 * statements (credit's own rows) name the statement accounts to read.
 */
export async function lineBalances(ledger: Ledger, lineId: string, db: Executor): Promise<LineBalances> {
  const statements = await sql<{ id: string }>`select id from credit_statements
    where line_id = ${lineId}::uuid and settled_on is null`.execute(db);
  const ids = [
    lineAccount.limit(lineId),
    lineAccount.available(lineId),
    lineAccount.used(lineId),
    lineAccount.principal(lineId),
    lineAccount.interest(lineId),
    lineAccount.unbilled(lineId),
  ];
  const statementIds = statements.rows.flatMap((s) => [
    statementAccount.principal(s.id),
    statementAccount.fees(s.id),
    statementAccount.interest(s.id),
    statementAccount.penalty(s.id),
  ]);
  const accounts = await ledger.lookupAccounts([...ids, ...statementIds], { tx: db });
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const debit = (id: string) => {
    const a = byId.get(id);
    return a ? a.debitsPosted - a.creditsPosted : 0n;
  };
  let billed = 0n;
  for (const id of statementIds) billed += debit(id);
  let billedPrincipal = 0n;
  for (const s of statements.rows) billedPrincipal += debit(statementAccount.principal(s.id));
  const principal = debit(ids[3]!);
  const interest = debit(ids[4]!);
  const unbilled = debit(ids[5]!);
  return {
    limit: debit(ids[0]!),
    available: -debit(ids[1]!),
    used: -debit(ids[2]!),
    principal,
    interest,
    unbilled,
    billed,
    billedPrincipal,
    total: principal + interest + unbilled + billed,
  };
}

/** One of credit's transfers: a new id, the line's id as its user data. */
export function transfer(
  debit: string,
  credit: string,
  amount: bigint,
  code: number,
  lineId: string,
): TransferInput {
  return {
    id: `credit:${uuidv7()}`,
    debitAccountId: debit,
    creditAccountId: credit,
    amount,
    ledger: CURRENCY,
    code,
    userData: lineId,
  };
}

/**
 * Posts credit's transfers in the caller's transaction; any refusal throws, so they commit all or
 * none. A draw beyond the line's available credit is `exceeds_available_credit`; a wallet that
 * cannot pay is `insufficient_funds`.
 */
export async function post(ledger: Ledger, trx: Executor, transfers: TransferInput[]): Promise<void> {
  const nonZero = transfers.filter((t) => t.amount > 0n);
  if (nonZero.length === 0) return;
  const results = await ledger.createTransfers(nonZero, { tx: trx, idsAreNew: true });
  const refused = results.find((r) => r.result !== 'ok');
  if (!refused) return;
  const failed = nonZero.find((t) => t.id === refused.id);
  if (refused.result === 'exceeds_credits' && failed?.debitAccountId?.endsWith(':available'))
    throw ruleViolation('exceeds_available_credit', 'this is more than the credit available on the line');
  if (refused.result === 'exceeds_credits')
    throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
  throw new Error(`ledger refused ${refused.id}: ${refused.result}`);
}
