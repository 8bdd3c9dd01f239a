import { sql } from 'kysely';
import { expect } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { withCheckCharacter } from '../../src/identity/index.ts';
import { CNY, formatAmount, type PlainDate, parseAmount } from '../../src/kernel/index.ts';
import { ChartOfAccounts } from '../../src/ledger/index.ts';
import { LendingCode, loanAccount, noteAccountId } from '../../src/lending/index.ts';
import { asAdmin, openTestApp, type TestApp } from './platform.ts';
import { signUp, type TestUser, verifiedCustomer } from './users.ts';

/** Helpers for the lending scenarios: people, money in wallets, time, and the invariants. */
export const cny = (amount: string) => ({ amount, currency: 'CNY' });
export const minor = (amount: string) => {
  const parsed = parseAmount(amount, CNY);
  if (!parsed.ok) throw new Error(`not an amount: ${amount}`);
  return parsed.value;
};
export const yuan = (value: bigint) => formatAmount(value, CNY);

const EXTERNAL = 'test:external:CNY';

/** Money arriving in a wallet from outside netfin (what a top-up through a channel would do). */
export async function fund(t: TestApp, userId: string, amount: string): Promise<void> {
  const { ledger, payments, db } = t.platform;
  await inTransaction(db, async (trx) => {
    await ledger.createAccounts([{ id: EXTERNAL, ledger: 'CNY', code: ChartOfAccounts.external.code }], {
      tx: trx,
    });
    const wallet = await payments.walletAccount(trx, userId);
    const [result] = await ledger.createTransfers(
      [
        {
          id: `fund:${crypto.randomUUID()}`,
          debitAccountId: EXTERNAL,
          creditAccountId: wallet,
          amount: minor(amount),
          ledger: 'CNY',
          code: 1,
        },
      ],
      { tx: trx },
    );
    if (result!.result !== 'ok') throw new Error(`funding failed: ${result!.result}`);
  });
}

export async function wallet(t: TestApp, user: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/wallet', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as {
    balance: { amount: string };
    available: { amount: string };
    frozen: { amount: string };
  };
}

/** A verified investor of risk class C5 with money in the wallet. */
export async function investor(
  t: TestApp,
  balance = '100000.00',
  answers = [4, 4, 4, 4, 4, 4, 4, 4],
): Promise<TestUser> {
  const user = await verifiedCustomer(t);
  const assessed = await t.app.inject({
    method: 'POST',
    url: '/v1/me/risk-assessment',
    headers: user.headers,
    payload: { answers },
  });
  expect(assessed.statusCode, assessed.body).toBe(200);
  if (balance !== '0.00') await fund(t, user.userId, balance);
  return user;
}

let borrowers = 0;
/** Starts borrowers' ID numbers again: two databases given the same scenario get the same borrowers. */
export function resetBorrowerSequence(): void {
  borrowers = 0;
}
/**
 * A verified borrower: always born on 1985-06-15 in the same district, a man, so that the risk
 * decision (which scores age, region and sex among others) is the same in every run.
 */
export async function borrower(t: TestApp, balance = '0.00'): Promise<TestUser> {
  const user = await signUp(t);
  borrowers++;
  const idNumber = withCheckCharacter(
    `11010519850615${String(101 + 2 * (borrowers % 400)).padStart(3, '0')}`,
  );
  const kyc = await t.app.inject({
    method: 'POST',
    url: '/v1/me/kyc',
    headers: user.headers,
    payload: { realName: '王五', idNumber },
  });
  expect(kyc.statusCode, kyc.body).toBe(200);
  if (balance !== '0.00') await fund(t, user.userId, balance);
  return user;
}

let addresses = 0;
/** Each application from an address of its own: the anti-fraud rules count applicants per address. */
export function nextAddress(): string {
  addresses++;
  return `10.77.${Math.floor(addresses / 250) % 250}.${addresses % 250}`;
}

export async function applyFor(
  t: TestApp,
  user: TestUser,
  overrides: Record<string, unknown> = {},
): Promise<{ loanId: string; body: Record<string, any> }> {
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/lending/applications',
    headers: user.headers,
    remoteAddress: nextAddress(),
    payload: {
      productId: 'personal',
      amount: cny('10000.00'),
      term: 12,
      method: 'equal_installment',
      purpose: 'education',
      monthlyIncome: cny('15000.00'),
      monthlyDebt: cny('1000.00'),
      employmentYears: 6,
      ...overrides,
    },
  });
  expect(response.statusCode, response.body).toBe(201);
  const body = response.json();
  expect(body.decision.outcome, JSON.stringify(body.decision)).toBe('approve');
  return { loanId: body.loan.id, body };
}

export async function bid(t: TestApp, user: TestUser, loanId: string, amount: string) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/lending/listings/${loanId}/bids`,
    headers: user.headers,
    payload: { amount: cny(amount) },
  });
}

/** Moves the business date (and the wall clock with it, so that ledger times agree) to `date`. */
export function goTo(t: TestApp, date: PlainDate | string): void {
  const target = Date.parse(`${date}T02:00:00Z`);
  const now = t.clock.now().getTime();
  if (target > now) t.clock.advanceMs(target - now);
  t.clock.setBusinessDate(date as PlainDate);
}

/** Runs the lending day up to and including `date` (through the API, as operations would). */
export async function runTo(t: TestApp, date: string) {
  goTo(t, date);
  const response = await t.app.inject({
    method: 'POST',
    url: '/v1/lending/run-day',
    headers: asAdmin,
    payload: { date },
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json().days as Record<string, unknown>[];
}

export async function loanOf(t: TestApp, user: TestUser, loanId: string) {
  const response = await t.app.inject({
    method: 'GET',
    url: `/v1/me/loans/${loanId}`,
    headers: user.headers,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

export async function investments(t: TestApp, user: TestUser) {
  const response = await t.app.inject({ method: 'GET', url: '/v1/me/investments', headers: user.headers });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/**
 * The invariants after every step: the ledger verifies; the notes of each disbursed loan add up to its
 * principal receivable; the interest payable equals the interest receivable; the funding account of
 * a listing holds exactly its frozen bids; the journals agree with the receivables.
 */
export async function checkInvariants(t: TestApp): Promise<void> {
  const { ledger, db } = t.platform;
  const report = await ledger.verify();
  expect(report.problems, JSON.stringify(report.problems.slice(0, 3))).toEqual([]);
  const loans = await sql<{ id: string; status: string }>`select id, status from loans`.execute(db);
  for (const loan of loans.rows) {
    if (loan.status === 'listing' || loan.status === 'full') {
      const bids = await sql<{
        s: bigint;
      }>`select coalesce(sum(amount), 0)::bigint as s from loan_bids where loan_id = ${loan.id} and status = 'frozen'`.execute(
        db,
      );
      const funding = await ledger.getAccount(loanAccount.funding(loan.id));
      expect(funding?.creditsPending ?? 0n).toBe(bids.rows[0]!.s);
      continue;
    }
    if (loan.status === 'failed') {
      const funding = await ledger.getAccount(loanAccount.funding(loan.id));
      expect(funding?.creditsPending ?? 0n).toBe(0n);
      expect(funding?.creditsPosted ?? 0n).toBe(0n);
      continue;
    }
    const notes = await sql<{ id: string }>`select id from loan_notes where loan_id = ${loan.id}`.execute(db);
    const accounts = await ledger.lookupAccounts(notes.rows.map((n) => noteAccountId(n.id)));
    const notePrincipal = accounts.reduce((s, a) => s + a.creditsPosted - a.debitsPosted, 0n);
    const principal = await ledger.getAccount(loanAccount.principal(loan.id));
    expect(notePrincipal, `notes of loan ${loan.id}`).toBe(
      principal!.debitsPosted - principal!.creditsPosted,
    );
    const interest = await ledger.getAccount(loanAccount.interest(loan.id));
    const payable = await ledger.getAccount(loanAccount.interestPayable(loan.id));
    expect(payable!.creditsPosted - payable!.debitsPosted).toBe(
      interest!.debitsPosted - interest!.creditsPosted,
    );
    // Conservation: every unit of principal and interest the borrower paid left through the
    // loan's notes and interest payable to the holders, the reserve or the service fee, and no more.
    const flows = await sql<{ paid_p: bigint; out_p: bigint; paid_i: bigint; out_i: bigint }>`
      select
        (select coalesce(sum(amount), 0)::bigint from ledger_transfers
          where credit_account_id = ${loanAccount.principal(loan.id)} and code = ${LendingCode.repayPrincipal}) as paid_p,
        (select coalesce(sum(t.amount), 0)::bigint from ledger_transfers t
          where t.debit_account_id = any(${notes.rows.map((n) => noteAccountId(n.id))}::text[])
            and t.code = any(${[LendingCode.payoutPrincipal, LendingCode.reserveRecovery]}::int[])) as out_p,
        (select coalesce(sum(amount), 0)::bigint from ledger_transfers
          where credit_account_id = ${loanAccount.interest(loan.id)} and code = ${LendingCode.repayInterest}) as paid_i,
        (select coalesce(sum(amount), 0)::bigint from ledger_transfers
          where debit_account_id = ${loanAccount.interestPayable(loan.id)}
            and code = any(${[LendingCode.payoutInterest, LendingCode.serviceFee, LendingCode.reserveRecovery]}::int[])) as out_i`.execute(
      db,
    );
    const flow = flows.rows[0]!;
    expect(flow.out_p, `principal of loan ${loan.id} paid out`).toBe(flow.paid_p);
    expect(flow.out_i, `interest of loan ${loan.id} paid out`).toBe(flow.paid_i);
    // The journals: interest charged less paid equals the receivable.
    const journal = await sql<{ charged: bigint; paid: bigint }>`
      select (select coalesce(sum(amount), 0)::bigint from loan_charges where loan_id = ${loan.id} and kind = 'interest') as charged,
             (select coalesce(sum(amount), 0)::bigint from loan_allocations where loan_id = ${loan.id} and kind = 'interest') as paid`.execute(
      db,
    );
    const written = await sql<{
      interest: bigint;
    }>`select coalesce(sum(interest), 0)::bigint as interest from loan_write_offs where loan_id = ${loan.id}`.execute(
      db,
    );
    expect(journal.rows[0]!.charged - journal.rows[0]!.paid - written.rows[0]!.interest).toBe(
      interest!.debitsPosted - interest!.creditsPosted,
    );
  }
  // Posted bids: every posted bid's pending transfer was posted, every released one voided.
  const pendings = await sql<{ state: string; status: string }>`
    select p.state, b.status from loan_bids b join ledger_pending p on p.transfer_id = 'bid:' || b.id`.execute(
    db,
  );
  for (const row of pendings.rows) {
    expect(row.state).toBe(
      row.status === 'frozen' ? 'pending' : row.status === 'posted' ? 'posted' : 'voided',
    );
  }
}

/** An approved listing filled by `investors` equal bids (the last may be cut) and disbursed. */
export async function fundedLoan(
  t: TestApp,
  options: {
    amount?: string;
    term?: number;
    method?: string;
    productId?: string;
    investors?: number;
    borrowerBalance?: string;
  } = {},
): Promise<{ loanId: string; borrower: TestUser; investors: TestUser[] }> {
  const b = await borrower(t, options.borrowerBalance ?? '0.00');
  const amount = options.amount ?? '10000.00';
  const { loanId } = await applyFor(t, b, {
    amount: cny(amount),
    term: options.term ?? 12,
    method: options.method ?? 'equal_installment',
    productId: options.productId ?? 'personal',
  });
  const count = options.investors ?? 3;
  const share = ((minor(amount) / BigInt(count) + 4999n) / 5000n) * 5000n; // 1/count, up to a multiple of 50.00
  const people: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const person = await investor(t);
    people.push(person);
    const response = await bid(t, person, loanId, yuan(share));
    expect(response.statusCode, response.body).toBe(201);
  }
  const view = await t.app.inject({ method: 'GET', url: `/v1/lending/listings/${loanId}` });
  expect(view.json().loan.status).toBe('active');
  return { loanId, borrower: b, investors: people };
}

/** A test app whose sessions outlive the months a lending scenario moves the clock through. */
export function openLendingApp(): Promise<TestApp> {
  return openTestApp({ identity: { sessionTtlHours: 24 * 3650 } });
}

/** Takes everything available out of a wallet (as a withdrawal would). */
export async function drain(t: TestApp, userId: string): Promise<void> {
  const { ledger, payments, db } = t.platform;
  await inTransaction(db, async (trx) => {
    await ledger.createAccounts([{ id: EXTERNAL, ledger: 'CNY', code: ChartOfAccounts.external.code }], {
      tx: trx,
    });
    const wallet = await payments.walletAccount(trx, userId, { lock: true });
    const account = await ledger.getAccount(wallet, { tx: trx });
    const available = account!.creditsPosted - account!.debitsPosted - account!.debitsPending;
    if (available === 0n) return;
    const [result] = await ledger.createTransfers(
      [
        {
          id: `drain:${crypto.randomUUID()}`,
          debitAccountId: wallet,
          creditAccountId: EXTERNAL,
          amount: available,
          ledger: 'CNY',
          code: 1,
        },
      ],
      { tx: trx },
    );
    if (result!.result !== 'ok') throw new Error(`drain failed: ${result!.result}`);
  });
}
