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

/**
 * The channel on which a move of the business date is announced. The notification is sent inside
 * the transaction that moves the date, so PostgreSQL delivers it when (and only if) that commits;
 * every process listens on it and reads the calendar again at once (docs/batch.md).
 */
export const BUSINESS_DATE_CHANNEL = 'netfin_business_date';

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
  const moved =
    await sql`update business_calendar set business_date = ${to}, updated_at = ${clock.now()} where business_date = ${from}`.execute(
      trx,
    );
  if (moved.numAffectedRows) await announceBusinessDate(trx, to);
}

/** Tells every listening process, when the caller's transaction commits, that the date is now `date`. */
export async function announceBusinessDate(trx: Executor, date: PlainDate): Promise<void> {
  // The payload names the schema too: test schemas on one server share the channel.
  await sql`select pg_notify(${BUSINESS_DATE_CHANNEL}, current_schema() || ' ' || ${date}::text)`.execute(
    trx,
  );
}

/**
 * The business date a transaction books money on, read inside that transaction. With `lock` (the
 * default) the calendar row is held FOR SHARE until the transaction ends, so no day-close can move
 * the date (its update waits) while money is booked on it: what books through it (lending's
 * repayments, disbursements, note trades) is never booked on a closed date. Payments still date their
 * orders by the process's clock, kept current by the notification (docs/batch.md).
 * A clock that lags the calendar (another process closed a day and its notification has not arrived
 * yet) is brought up to it; a clock ahead of the calendar is kept, as a date after the calendar's is
 * not closed (tests and `netfin lending run-day` move the clock on their own). Read-only transactions
 * pass `lock: false`, which PostgreSQL requires of them.
 */
export async function businessDateIn(
  trx: Executor,
  clock: Clock,
  options: { lock?: boolean } = {},
): Promise<PlainDate> {
  const rows = await sql<{ d: PlainDate }>`select business_date as d from business_calendar
    ${options.lock === false ? sql`` : sql`for share`}`.execute(trx);
  const calendar = rows.rows[0]?.d;
  const cached = clock.businessDate();
  if (!calendar || calendar <= cached) return cached;
  clock.setBusinessDate(calendar);
  return calendar;
}
