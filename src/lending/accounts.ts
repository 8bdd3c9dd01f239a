import { sql } from 'kysely';
import { type Executor, integerArray } from '../db/index.ts';
import { assert, type PlainDate, ruleViolation } from '../kernel/index.ts';
import {
  type AccountInput,
  blockOf,
  ChartOfAccounts,
  isOverflow,
  type Ledger,
  MAX_BATCH_SIZE,
  type TransferEventResult,
  TransferFlag,
  type TransferInput,
} from '../ledger/index.ts';

/**
 * The ledger accounts lending keeps, and the codes of its transfers. Per loan: the funding account
 * (bids), principal, interest, fee and penalty receivables, and interest payable to note holders;
 * per note: its principal. Platform-wide: the risk reserve fund and penalty income (fee income is
 * payments'). docs/lending.md draws the postings of each step.
 */
export const CURRENCY = 'CNY';

export const loanAccount = {
  funding: (loanId: string) => `loan:${loanId}:funding`,
  principal: (loanId: string) => `loan:${loanId}:principal`,
  interest: (loanId: string) => `loan:${loanId}:interest`,
  fees: (loanId: string) => `loan:${loanId}:fees`,
  penalty: (loanId: string) => `loan:${loanId}:penalty`,
  interestPayable: (loanId: string) => `loan:${loanId}:interest-payable`,
};
export const noteAccountId = (noteId: string) => `note:${noteId}`;
export const RESERVE_ACCOUNT = `platform:risk-reserve:${CURRENCY}`;
export const PENALTY_INCOME_ACCOUNT = `platform:penalty-income:${CURRENCY}`;
export const WRITE_OFF_ACCOUNT = `platform:write-offs:${CURRENCY}`;
export const EQUITY_ACCOUNT = `platform:equity:${CURRENCY}`;

export const LendingCode = {
  bid: 201,
  fundNote: 202,
  disburse: 203,
  upfrontFee: 204,
  reserveContribution: 205,
  chargeInterest: 206,
  chargeFee: 207,
  chargePenalty: 208,
  repayPrincipal: 209,
  repayInterest: 210,
  repayFee: 211,
  repayPenalty: 212,
  payoutPrincipal: 213,
  payoutInterest: 214,
  serviceFee: 215,
  reserveRecovery: 216,
  advance: 218,
  advanceClaim: 219,
  writeOff: 220,
  notePrincipal: 221,
  notePrice: 222,
  noteSellerFee: 223,
  prepaymentFee: 224,
  reserveSeed: 225,
} as const;

/** Codes whose credits to an investor's wallet are income from a note (interest, advances). */
export const INVESTOR_RECEIPT_CODES = [
  LendingCode.payoutPrincipal,
  LendingCode.payoutInterest,
  LendingCode.advance,
  LendingCode.notePrice,
] as const;

/**
 * The codes of an investor's cash flows through the wallet, as XIRR counts them: the bid (only once
 * posted at disbursement: a frozen bid is still the investor's money), payouts, reserve advances, and
 * a note's price and seller fee (out of the buyer's wallet, into the seller's).
 */
export const INVESTOR_FLOW_CODES = [
  LendingCode.bid,
  LendingCode.payoutPrincipal,
  LendingCode.payoutInterest,
  LendingCode.advance,
  LendingCode.notePrice,
  LendingCode.noteSellerFee,
] as const;

export function isInvestorFlow(t: { readonly code?: number; readonly flags?: number }): boolean {
  if (t.code === LendingCode.bid) return ((t.flags ?? 0) & TransferFlag.postPendingTransfer) !== 0;
  return (INVESTOR_FLOW_CODES as readonly (number | undefined)[]).includes(t.code);
}

function account(id: string, key: keyof typeof ChartOfAccounts, userData?: string): AccountInput {
  const entry = ChartOfAccounts[key];
  return { id, ledger: CURRENCY, code: entry.code, flags: entry.flags, ...(userData ? { userData } : {}) };
}

async function create(ledger: Ledger, trx: Executor, accounts: AccountInput[]): Promise<void> {
  const results = await ledger.createAccounts(accounts, { tx: trx });
  for (const r of results)
    if (r.result !== 'ok' && r.result !== 'exists') throw new Error(`lending account ${r.id}: ${r.result}`);
}

export function ensurePlatformAccounts(ledger: Ledger, trx: Executor): Promise<void> {
  return create(ledger, trx, [
    account(RESERVE_ACCOUNT, 'riskReserve'),
    { id: PENALTY_INCOME_ACCOUNT, ledger: CURRENCY, code: ChartOfAccounts.penaltyIncome.code },
    { id: WRITE_OFF_ACCOUNT, ledger: CURRENCY, code: ChartOfAccounts.writeOffs.code },
    { id: EQUITY_ACCOUNT, ledger: CURRENCY, code: ChartOfAccounts.equity.code },
  ]);
}

export function createFundingAccount(ledger: Ledger, trx: Executor, loanId: string): Promise<void> {
  return create(ledger, trx, [account(loanAccount.funding(loanId), 'loanFunding', loanId)]);
}

export function createLoanAccounts(ledger: Ledger, trx: Executor, loanId: string): Promise<void> {
  return create(ledger, trx, [
    account(loanAccount.principal(loanId), 'loanPrincipal', loanId),
    account(loanAccount.interest(loanId), 'loanInterest', loanId),
    account(loanAccount.fees(loanId), 'loanFees', loanId),
    account(loanAccount.penalty(loanId), 'loanPenalty', loanId),
    account(loanAccount.interestPayable(loanId), 'loanInterestPayable', loanId),
  ]);
}

export function createNoteAccounts(ledger: Ledger, trx: Executor, notes: { id: string; loanId: string }[]) {
  return create(
    ledger,
    trx,
    notes.map((n) => account(noteAccountId(n.id), 'investorNote', n.loanId)),
  );
}

/**
 * Posts lending's transfers in the caller's transaction. A wallet that cannot cover them is the
 * business error insufficient_funds, an account they would take past int8 balance_would_overflow;
 * any other refusal is a bug and stops everything. An investor's cash flows among them are dated
 * `on`, the business date they are booked on (investor_flow_blocks: one row per ledger batch), which
 * the caller must then give.
 */
export async function post(
  ledger: Ledger,
  trx: Executor,
  transfers: TransferInput[],
  on?: PlainDate,
): Promise<TransferEventResult[]> {
  const nonZero = transfers.filter((t) => t.amount > 0n);
  // Lending never links its transfers, so a long plan (a listing of 10,000 bids) is posted in
  // ledger-sized batches, all in the one transaction.
  const results: TransferEventResult[] = [];
  for (let start = 0; start < nonZero.length; start += MAX_BATCH_SIZE)
    results.push(
      ...(await ledger.createTransfers(nonZero.slice(start, start + MAX_BATCH_SIZE), {
        tx: trx,
        // Lending's ids are made from ids it has just generated, and any result but ok is a bug.
        idsAreNew: true,
      })),
    );
  if (results.some((r) => r.result === 'exceeds_credits'))
    throw ruleViolation('insufficient_funds', 'the wallet does not hold enough available money for this');
  // An amount a person typed (the reserve's funding, a repayment) can take an account past int8:
  // the person's mistake, not a bug.
  if (results.some((r) => isOverflow(r.result)))
    throw ruleViolation(
      'balance_would_overflow',
      'this would take an account past the largest balance it can hold',
    );
  for (const r of results) if (r.result !== 'ok') throw new Error(`ledger refused ${r.id}: ${r.result}`);
  // The flows' business date, once per ledger block they were written in (one per batch above):
  // a repayment's thousands of payouts are dated by one row (investor_flow_blocks).
  const blocks = new Set<bigint>();
  nonZero.forEach((t, i) => {
    if (isInvestorFlow(t)) blocks.add(blockOf(results[i]!.timestamp!));
  });
  if (blocks.size > 0) {
    assert(on, "an investor's cash flow must be posted with the business date it is booked on");
    await sql`insert into investor_flow_blocks (block, business_date)
      select block, ${on}::date from unnest(${integerArray([...blocks])}::int8[]) as b(block)`.execute(trx);
  }
  return results;
}
