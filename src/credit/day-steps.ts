import { sql } from 'kysely';
import { type BatchStep, type ChunkBounds, keyRange } from '../batch/index.ts';
import type { Executor } from '../db/index.ts';
import { Decimal, type PlainDate, roundToInteger, uuidv7 } from '../kernel/index.ts';
import {
  CREDIT_INTEREST_INCOME_ACCOUNT,
  CreditCode,
  CURRENCY,
  ensurePlatformAccounts,
  lineAccount,
  post,
} from './accounts.ts';
import { fundingDaySteps } from './funding.ts';
import type { CreditContext } from './lines.ts';
import { endRaise } from './manage.ts';
import { overdueDaySteps } from './overdue.ts';
import { autoDebit } from './repayment.ts';
import { accruePenalties, autoDebitLines, drawUpStatements } from './statements.ts';

/**
 * Consumer credit's steps of the day-close. Interest of a business date is the principal outstanding
 * at its close times the line's daily rate, rounded half up to the cent, one posting per line and
 * day; a line's accrued_on marks the date done, in the same transaction, so a step run again
 * changes nothing. The step is planned in key ranges of ACCRUAL_BATCH lines, each a chunk of its own
 * (its own transaction, claimed by any worker), so that a line's row lock is held only while its
 * chunk runs and draws on other lines go on meanwhile; one ledger lookup and one write per chunk.
 */
export const ACCRUAL_BATCH = 2000;

/** Key ranges of about `size` lines that may bear interest: the chunks of the interest step. */
export async function lineRanges(db: Executor, size = ACCRUAL_BATCH): Promise<ChunkBounds[]> {
  const rows = await sql<{ id: string }>`
    select id from (select id, row_number() over (order by id) as n from credit_lines
                    where status in ('active', 'frozen')) t
    where (n - 1) % ${size} = 0 order by id`.execute(db);
  if (rows.rows.length === 0) return [{ from: null, to: null }];
  return rows.rows.map((r, i) => ({ from: i === 0 ? null : r.id, to: rows.rows[i + 1]?.id ?? null }));
}

async function accrue(
  context: CreditContext,
  trx: Executor,
  date: PlainDate,
  bounds: ChunkBounds,
): Promise<number> {
  await ensurePlatformAccounts(context.ledger, trx);
  let handled = 0;
  for (;;) {
    const rows = await sql<{ id: string; daily_rate: string }>`
      select id, daily_rate::text as daily_rate from credit_lines
      where status in ('active', 'frozen') and opened_on <= ${date} and (accrued_on is null or accrued_on < ${date})
        and ${keyRange('id', bounds)}
      order by id limit ${ACCRUAL_BATCH} for update`.execute(trx);
    if (rows.rows.length === 0) return handled;
    const principals = await context.ledger.lookupAccounts(
      rows.rows.map((r) => lineAccount.principal(r.id)),
      { tx: trx },
    );
    const owed = new Map(principals.map((a) => [a.id, a.debitsPosted - a.creditsPosted]));
    const transfers = rows.rows.flatMap((r) => {
      const principal = owed.get(lineAccount.principal(r.id)) ?? 0n;
      const interest = roundToInteger(new Decimal(principal.toString()).times(r.daily_rate), 'half_up');
      if (interest <= 0n) return [];
      return [
        {
          id: `credit:${uuidv7()}`,
          debitAccountId: lineAccount.interest(r.id),
          creditAccountId: CREDIT_INTEREST_INCOME_ACCOUNT,
          amount: interest,
          ledger: CURRENCY,
          code: CreditCode.accrueInterest,
          userData: r.id,
        },
      ];
    });
    await post(context.ledger, trx, transfers);
    const ids = rows.rows.map((r) => r.id);
    await sql`update credit_lines set accrued_on = ${date} where id = any(${ids}::uuid[])`.execute(trx);
    handled += ids.length;
  }
}

async function endRaises(context: CreditContext, trx: Executor, date: PlainDate): Promise<number> {
  const rows = await sql<{ id: string }>`select id from credit_lines
    where temporary_raise > 0 and raise_ends_on <= ${date} order by id`.execute(trx);
  for (const r of rows.rows) await endRaise(context, trx, r.id, date);
  return rows.rows.length;
}

export function creditDaySteps(context: CreditContext): BatchStep[] {
  return [
    {
      name: 'credit.interest',
      owner: 'credit',
      position: 320,
      description: "Accrues a day's interest on every line's cash draws (principal × daily rate, half up).",
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => accrue(context, db, date, bounds),
    },
    {
      name: 'credit.raise-expiry',
      owner: 'credit',
      position: 330,
      description: 'Takes temporary raises whose end date has come off their lines.',
      run: (db, date) => endRaises(context, db, date),
    },
    {
      name: 'credit.statements',
      owner: 'credit',
      position: 340,
      description:
        "Draws up the statements of lines whose statement day it is: each plan's next instalment and the interest accrued.",
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => drawUpStatements(context, db, date, bounds),
    },
    {
      name: 'credit.auto-debit',
      owner: 'credit',
      position: 345,
      description:
        'Repays statements due today from the wallets of lines that opted in, as far as the wallet holds.',
      plan: (db) => lineRanges(db),
      run: async (db, date, bounds) => autoDebit(context, db, date, await autoDebitLines(db, date, bounds)),
    },
    {
      name: 'credit.penalty',
      owner: 'credit',
      position: 350,
      description:
        "Settles statements that owe nothing more and accrues a day's penalty interest on those past their due date.",
      plan: (db) => lineRanges(db),
      run: (db, date, bounds) => accruePenalties(context, db, date, bounds),
    },
    ...overdueDaySteps(context),
    ...fundingDaySteps(context),
  ];
}
