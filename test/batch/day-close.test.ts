import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/db/index.ts';
import { addDays, type PlainDate } from '../../src/kernel/index.ts';
import { closeTo, fingerprint, smallPortfolio } from '../support/batch.ts';
import { checkInvariants, openLendingApp, runTo } from '../support/lending.ts';
import { asAdmin, type TestApp } from '../support/platform.ts';

/**
 * The day-close over a small portfolio, against the lending day run date by date: the same
 * scenario on two fresh databases, one closed business day after business day by the batch, the
 * other through `POST /v1/lending/run-day`, ends in the same state to the cent. Then: a closed date
 * closed again changes nothing, the runs and their steps are visible through the API.
 */
let viaBatch: TestApp;
let viaLendingDay: TestApp;
let start: PlainDate;
let end: PlainDate;

beforeAll(async () => {
  [viaBatch, viaLendingDay] = await Promise.all([openLendingApp(), openLendingApp()]);
});
afterAll(async () => {
  await viaBatch?.close();
  await viaLendingDay?.close();
});

describe('the day-close over a small portfolio', () => {
  it('ends where the lending day ends, date by date, with the ledger reconciled', async () => {
    await smallPortfolio(viaBatch);
    await smallPortfolio(viaLendingDay);
    start = await viaBatch.platform.batch.businessDate();
    expect(start).toBe(viaLendingDay.clock.businessDate());
    end = addDays(start, 130);
    const closed = await closeTo(viaBatch, end);
    expect(closed).toBe(131);
    expect(await viaBatch.platform.batch.businessDate()).toBe(addDays(end, 1));
    await runTo(viaLendingDay, end);

    const a = await fingerprint(viaBatch.platform);
    const b = await fingerprint(viaLendingDay.platform);
    expect(a).toEqual(b);
    // The scenario went somewhere: one loan repaid, one advanced by the reserve, penalties charged.
    expect(a.loans.map((l) => l.status)).toEqual(['repaid', 'active', 'active']);
    expect(a.loans[1]!.fullyAdvanced).toBe(true);
    expect(a.loans[2]!.charges.some((c) => (c as { kind: string }).kind === 'penalty')).toBe(true);
    await checkInvariants(viaBatch);
    // 131 closes with every context's steps: over a minute on a loaded machine (a limit, not a timing asserted).
  }, 300_000);

  it('has aged the overdue loans and opened a collection case for each', async () => {
    const loans = await sql<{
      status: string;
      dpd: number;
      overdue_amount: bigint;
      next_due_on: string | null;
    }>`
      select status, dpd, overdue_amount, next_due_on::text from loans order by created_at`.execute(
      viaBatch.platform.db,
    );
    const [, defaulter, partial] = loans.rows;
    const firstDue = await sql<{ d: string }>`
      select min(due_date)::text as d from loan_installments i join loans l on l.id = i.loan_id
      where l.status = 'active' and l.amount = 300000`.execute(viaBatch.platform.db);
    // Aged as of the last date closed: days since the oldest unpaid due date.
    const expected = (Date.parse(end) - Date.parse(firstDue.rows[0]!.d)) / 86_400_000;
    expect(defaulter!.dpd).toBe(expected);
    expect(defaulter!.overdue_amount).toBeGreaterThan(300000n);
    expect(partial!.dpd).toBeGreaterThan(0);
    const cases = await sql<{ stage: string; dpd: number; status: string }>`
      select c.stage, c.dpd, c.status from collection_cases c join loans l on l.id = c.loan_id
      where c.status = 'open' order by l.created_at`.execute(viaBatch.platform.db);
    expect(cases.rows.map((c) => c.dpd)).toEqual([defaulter!.dpd, partial!.dpd]);
    expect(cases.rows[0]!.stage).toBe('M3+');
    const history = await sql<{ to_stage: string }>`
      select h.to_stage from collection_stage_history h join collection_cases c on c.id = h.case_id
      join loans l on l.id = c.loan_id where l.amount = 300000 order by h.business_date`.execute(
      viaBatch.platform.db,
    );
    expect(history.rows.map((h) => h.to_stage)).toEqual(['M1', 'M2', 'M3', 'M3+']);
    // The dashboards' figures were written every date.
    const snapshots = await sql<{ n: number }>`
      select count(distinct business_date)::int as n from daily_snapshots where metric = 'reserve.balance'`.execute(
      viaBatch.platform.db,
    );
    expect(snapshots.rows[0]!.n).toBe(131);
    // Outstanding principal by bucket adds up to what the loans themselves show.
    const active = await sql<{ id: string }>`select id from loans where status = 'active'`.execute(
      viaBatch.platform.db,
    );
    let owed = 0n;
    for (const { id } of active.rows)
      owed += (await viaBatch.platform.lending.loanView(id)).principalOutstanding;
    expect(owed).toBeGreaterThan(0n);
    const recorded = await sql<{ total: string }>`
      select sum(value)::text as total from daily_snapshots
      where metric = 'loans.outstanding_principal' and business_date = ${end}`.execute(viaBatch.platform.db);
    expect(BigInt(recorded.rows[0]!.total.split('.')[0]!)).toBe(owed);
  });

  it('ages a serviced loan in memory exactly as the ageing step does in SQL', async () => {
    const db = viaBatch.platform.db;
    const read = () =>
      sql<{ id: string; dpd: number; overdue_amount: bigint; next_due_on: string; aged_on: string }>`
        select id, dpd, overdue_amount, next_due_on::text, aged_on::text from loans
        where status = 'active' order by id`.execute(db);
    const byServicing = (await read()).rows;
    // Both overdue loans had work on the last date, so servicing aged them.
    expect(byServicing.filter((l) => l.aged_on === end && l.overdue_amount > 0n)).toHaveLength(2);
    await sql`update loans set aged_on = null, dpd = 0, overdue_amount = 0, next_due_on = null where status = 'active'`.execute(
      db,
    );
    const ageing = viaBatch.platform.lending.daySteps().find((s) => s.name === 'lending.ageing')!;
    await inTransaction(db, (trx) => ageing.run(trx, end, { from: null, to: null }));
    expect((await read()).rows).toEqual(byServicing);
  });

  it('changes nothing when a closed date is closed again', async () => {
    const before = await fingerprint(viaBatch.platform);
    const chunks = await sql<{ n: number }>`select count(*)::int as n from batch_chunks`.execute(
      viaBatch.platform.db,
    );
    const again = await viaBatch.platform.batch.close('test', { date: addDays(end, -3) });
    expect(again).toMatchObject({ alreadyClosed: true, nextBusinessDate: addDays(end, 1) });
    const viaApi = await viaBatch.app.inject({
      method: 'POST',
      url: '/v1/batch/day-close',
      headers: asAdmin,
      payload: { date: end },
    });
    expect(viaApi.statusCode, viaApi.body).toBe(202);
    expect(viaApi.json().status).toBe('already_closed');
    expect(await fingerprint(viaBatch.platform)).toEqual(before);
    const after = await sql<{ n: number }>`select count(*)::int as n from batch_chunks`.execute(
      viaBatch.platform.db,
    );
    expect(after.rows[0]!.n).toBe(chunks.rows[0]!.n);
    // A date after the business date cannot be closed yet.
    const future = await viaBatch.app.inject({
      method: 'POST',
      url: '/v1/batch/day-close',
      headers: asAdmin,
      payload: { date: addDays(end, 5) },
    });
    expect(future.statusCode, future.body).toBe(409);
    expect(future.json().error.code).toBe('date_not_open');
  });

  it('shows each run with its steps in their declared order, with rows and chunks', async () => {
    const response = await viaBatch.app.inject({
      method: 'GET',
      url: `/v1/batch/runs?date=${end}`,
      headers: asAdmin,
    });
    expect(response.statusCode, response.body).toBe(200);
    const [run] = response.json().items;
    expect(run).toMatchObject({ businessDate: end, status: 'done', lastError: null });
    const names = run.steps.map((s: { step: string }) => s.step);
    expect(names).toEqual([
      'ledger.expire',
      'payments.orders',
      'lending.listings',
      'lending.servicing',
      'credit.interest',
      'credit.raise-expiry',
      'credit.statements',
      'credit.auto-debit',
      'credit.penalty',
      'credit.delinquency',
      'credit.reminders',
      'credit.review',
      'credit.snapshot',
      'credit.funding',
      'lending.ageing',
      'lending.notes',
      'wealth.mmf-income',
      'wealth.mmf-income-total',
      'wealth.mmf-confirm',
      'wealth.mmf-settle',
      'wealth.fund-confirm',
      'wealth.fund-settle',
      'wealth.fixed',
      'crowdfunding.settle',
      'crowdfunding.images',
      'collections.cases',
      'collections.credit-cases',
      'collections.promises',
      'collections.strategy',
      'payments.reconcile',
      'credit.funding-report',
      'lending.snapshot',
      'compliance.contract-render',
      'compliance.screening',
      'compliance.aml-scan',
      'ledger.chain-seal',
      'compliance.audit-chain-head',
      'compliance.retention',
      'analytics.daily',
      'crm.portraits',
      'crm.classes',
      'crm.rewards',
    ]);
    for (const step of run.steps) expect(step.status).toBe('done');
    const servicing = run.steps.find((s: { step: string }) => s.step === 'lending.servicing');
    // Two loans still active, both overdue: both had work that day; the repaid one is not in the book.
    expect(servicing).toMatchObject({ chunks: 1, chunksDone: 1, rows: 2 });
    const date = await viaBatch.app.inject({
      method: 'GET',
      url: '/v1/batch/business-date',
      headers: asAdmin,
    });
    expect(date.json().businessDate).toBe(addDays(end, 1));
  });
});
