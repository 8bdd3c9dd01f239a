import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { Clock, PlainDate } from '../kernel/index.ts';

/**
 * The business calendar: the one date the platform is open for business, kept in the database so
 * that every process agrees. Only a finished day-close moves it (to the next date).
 */
export async function readBusinessDate(db: Executor): Promise<PlainDate | null> {
  const rows = await sql<{ d: PlainDate }>`select business_date as d from business_calendar`.execute(db);
  return rows.rows[0]?.d ?? null;
}

/** Reads the business date, writing the clock's date first on a database that has none. */
export async function ensureBusinessDate(db: Executor, clock: Clock): Promise<PlainDate> {
  await sql`insert into business_calendar (id, business_date, updated_at) values (true, ${clock.businessDate()}, ${clock.now()})
            on conflict (id) do nothing`.execute(db);
  const date = (await readBusinessDate(db))!;
  clock.setBusinessDate(date);
  return date;
}

/** Moves the business date from `from` to `to`; a date already moved is left alone. */
export async function moveBusinessDate(
  trx: Executor,
  clock: Clock,
  from: PlainDate,
  to: PlainDate,
): Promise<void> {
  await sql`update business_calendar set business_date = ${to}, updated_at = ${clock.now()} where business_date = ${from}`.execute(
    trx,
  );
}
