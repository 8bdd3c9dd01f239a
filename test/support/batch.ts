import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Platform } from '../../src/app/platform.ts';
import type { PlainDate } from '../../src/kernel/index.ts';
import { cny, drain, fund, fundedLoan, resetBorrowerSequence } from './lending.ts';
import { asAdmin, type TestApp } from './platform.ts';

/** Moves the wall clock (never back) to the evening of `date` in Shanghai, when the day closes. */
export function eveningOf(t: TestApp, date: PlainDate, hourUtc = 13): void {
  const target = Date.parse(`${date}T${String(hourUtc).padStart(2, '0')}:00:00Z`);
  const now = t.clock.now().getTime();
  if (target > now) t.clock.advanceMs(target - now);
}

/** Closes every business date up to and including `date`, each in its evening. */
export async function closeTo(t: TestApp, date: PlainDate | string): Promise<number> {
  let closed = 0;
  for (let d = await t.platform.batch.businessDate(); d <= date; d = await t.platform.batch.businessDate()) {
    eveningOf(t, d);
    const result = await t.platform.batch.close('test');
    expect(result.alreadyClosed).toBe(false);
    closed += 1;
  }
  return closed;
}

/**
 * A small portfolio: a borrower who pays every instalment from the wallet, one who never pays, and
 * one who pays part; the reserve funded so that it can advance.
 */
export async function smallPortfolio(t: TestApp) {
  const funded = await t.app.inject({
    method: 'POST',
    url: '/v1/lending/reserve/fund',
    headers: asAdmin,
    payload: { amount: cny('50000.00') },
  });
  expect(funded.statusCode, funded.body).toBe(204);
  resetBorrowerSequence();
  const payer = await fundedLoan(t, { amount: '6000.00', term: 3, investors: 2, borrowerBalance: '1500.00' });
  const defaulter = await fundedLoan(t, { amount: '3000.00', term: 3, investors: 3 });
  const partial = await fundedLoan(t, { amount: '2000.00', term: 3, method: 'interest_first', investors: 2 });
  // The borrowers spend what they borrowed; the one who pays part keeps 25.00.
  await drain(t, defaulter.borrower.userId);
  await drain(t, partial.borrower.userId);
  await fund(t, partial.borrower.userId, '25.00');
  return { payer, defaulter, partial };
}

/**
 * What a lending scenario ends with, independent of ids: per loan (in the order made) its status and
 * journals, every wallet (in the order users signed up), the reserve, and the ledger's totals.
 */
export async function fingerprint(platform: Platform) {
  const db = platform.db;
  const loans = await sql<{
    id: string;
    status: string;
    amount: bigint;
    closed_on: string | null;
    fully_advanced: boolean;
  }>`
    select id, status, amount, closed_on, fully_advanced from loans order by created_at, id`.execute(db);
  const perLoan = [];
  for (const loan of loans.rows) {
    const charges =
      await sql`select period, kind, charged_on, sum(amount)::text as amount from loan_charges where loan_id = ${loan.id}
                              group by 1, 2, 3 order by 1, 2, 3`.execute(db);
    const allocations =
      await sql`select period, kind, owner, sum(amount)::text as amount from loan_allocations where loan_id = ${loan.id}
                                  group by 1, 2, 3 order by 1, 2, 3`.execute(db);
    const repayments =
      await sql`select kind, business_date, amount::text from loan_repayments where loan_id = ${loan.id}
                                 order by business_date, kind, amount`.execute(db);
    const advances =
      await sql`select period, principal::text, interest::text, shortfall::text, business_date from loan_advances
                               where loan_id = ${loan.id} order by period`.execute(db);
    perLoan.push({
      status: loan.status,
      amount: loan.amount.toString(),
      closedOn: loan.closed_on,
      fullyAdvanced: loan.fully_advanced,
      charges: charges.rows,
      allocations: allocations.rows,
      repayments: repayments.rows,
      advances: advances.rows,
    });
  }
  const users = await sql<{ id: string }>`select id from users order by created_at, id`.execute(db);
  const wallets = [];
  for (const user of users.rows) wallets.push((await platform.payments.wallet(user.id)).balance.toString());
  const reserve = await platform.lending.reserve();
  const totals =
    await sql`select count(*)::int as n, sum(amount)::text as amount from ledger_transfers`.execute(db);
  return { loans: perLoan, wallets, reserve: reserve.balance.toString(), transfers: totals.rows[0] };
}
