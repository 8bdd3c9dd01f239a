import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';

/**
 * Read-only, set-based facts about customers for the users dashboard (analytics, issue 19). Staff
 * accounts are not customers and are never counted. A sign-up's, a verification's and a card
 * binding's business date is the date of its timestamp in Asia/Shanghai; activity is recorded by
 * business date (user_activity_days). Everything is as of the end of the date asked for, so a past
 * date gives what it gave that night, with one exception: an anonymised account (closed, its
 * retention period over) no longer has its region, birth date and sex, so it counts as 'unknown' in
 * the breakdowns of dates computed after its anonymisation.
 */

const startOf = (date: PlainDate) => sql`(${date}::date::timestamp at time zone 'Asia/Shanghai')`;
const endOf = (date: PlainDate) => sql`((${date}::date + 1)::timestamp at time zone 'Asia/Shanghai')`;
const inDay = (column: string, date: PlainDate) =>
  sql`${sql.ref(column)} >= ${startOf(date)} and ${sql.ref(column)} < ${endOf(date)}`;

/** The age bands of the dashboards, by whole years of age on a date. */
export const AGE_BANDS = ['0-17', '18-24', '25-34', '35-44', '45-54', '55+'] as const;

/** The age band on `date` of a users row's birth_date (the CRM portraits use the same bands). */
export const ageBandOn = (date: PlainDate) => sql`case
  when birth_date is null then 'unknown'
  when date_part('year', age(${date}::date, birth_date)) < 18 then '0-17'
  when date_part('year', age(${date}::date, birth_date)) < 25 then '18-24'
  when date_part('year', age(${date}::date, birth_date)) < 35 then '25-34'
  when date_part('year', age(${date}::date, birth_date)) < 45 then '35-44'
  when date_part('year', age(${date}::date, birth_date)) < 55 then '45-54'
  else '55+' end`;

/** Customers who signed up on `date`, by channel of origin. */
export async function signUpsOn(
  db: Executor,
  date: PlainDate,
): Promise<{ channel: string; count: number }[]> {
  const rows = await sql<{ channel: string; n: bigint }>`
    select channel, count(*)::int8 as n from users
    where not is_staff and ${inDay('created_at', date)}
    group by channel order by channel`.execute(db);
  return rows.rows.map((r) => ({ channel: r.channel, count: Number(r.n) }));
}

/** Customers signed up by the end of `date`. */
export async function signedUpBy(db: Executor, date: PlainDate): Promise<number> {
  const rows = await sql<{ n: bigint }>`
    select count(*)::int8 as n from users where not is_staff and created_at < ${endOf(date)}`.execute(db);
  return Number(rows.rows[0]!.n);
}

/**
 * Verified customers (real name), counted by province (the first two digits of the ID number's
 * administrative code), city (its first four), age band (age on `date`) and sex ('m', 'f'): those verified on `date`
 * (`on`), or by its end (`by`).
 */
export interface VerifiedGroup {
  readonly region: string;
  /** The prefecture-level city: the first four digits of the administrative code. */
  readonly city: string;
  readonly ageBand: string;
  readonly sex: string;
  readonly count: number;
}

export async function verifiedGroups(
  db: Executor,
  date: PlainDate,
  which: 'on' | 'by',
): Promise<VerifiedGroup[]> {
  const rows = await sql<{ region: string; city: string; age_band: string; sex: string; n: bigint }>`
    select coalesce(left(region_code, 2), 'unknown') as region, coalesce(left(region_code, 4), 'unknown') as city,
           ${ageBandOn(date)} as age_band,
           case sex when 'male' then 'm' when 'female' then 'f' else 'unknown' end as sex, count(*)::int8 as n
    from users
    where not is_staff and kyc_verified_at is not null
      and ${which === 'on' ? inDay('kyc_verified_at', date) : sql`kyc_verified_at < ${endOf(date)}`}
    group by 1, 2, 3, 4 order by 1, 2, 3, 4`.execute(db);
  return rows.rows.map((r) => ({
    region: r.region,
    city: r.city,
    ageBand: r.age_band,
    sex: r.sex,
    count: Number(r.n),
  }));
}

/**
 * Customers whose first bank card was bound (verified by its code) on `date`, and by its end. A
 * card unbound later still counts: the funnel step was reached.
 */
export async function cardBindings(db: Executor, date: PlainDate): Promise<{ on: number; by: number }> {
  const rows = await sql<{ on_day: bigint; by_day: bigint }>`
    select count(*) filter (where first_at >= ${startOf(date)})::int8 as on_day, count(*)::int8 as by_day
    from (select c.user_id, min(c.verified_at) as first_at from bank_cards c
          join users u on u.id = c.user_id and not u.is_staff
          where c.verified_at is not null
          group by c.user_id) f
    where first_at < ${endOf(date)}`.execute(db);
  return { on: Number(rows.rows[0]!.on_day), by: Number(rows.rows[0]!.by_day) };
}

/** Customers active (signed up, signed in, or used a session) on at least one day from `from` to `to`. */
export async function activeUsers(db: Executor, from: PlainDate, to: PlainDate): Promise<number> {
  const rows = await sql<{ n: bigint }>`
    select count(distinct a.user_id)::int8 as n from user_activity_days a
    join users u on u.id = a.user_id and not u.is_staff
    where a.day between ${from}::date and ${to}::date`.execute(db);
  return Number(rows.rows[0]!.n);
}

/**
 * A sign-up cohort: the customers who signed up in the week from `monday` to the Sunday after, and
 * how many of them were active in their week k (the days monday + 7k to monday + 7k + 6) for each k.
 */
export async function cohortActivity(
  db: Executor,
  monday: PlainDate,
  weeks: readonly number[],
): Promise<{ size: number; active: Map<number, number> }> {
  const rows = await sql<{ size: bigint; k: number | null; n: bigint | null }>`
    with cohort as (
      select id from users
      where not is_staff and created_at >= ${startOf(monday)}
        and created_at < ((${monday}::date + 7)::timestamp at time zone 'Asia/Shanghai'))
    select (select count(*) from cohort)::int8 as size, w.k,
           (select count(distinct a.user_id) from user_activity_days a join cohort c on c.id = a.user_id
            where a.day between ${monday}::date + 7 * w.k and ${monday}::date + 7 * w.k + 6)::int8 as n
    from unnest(${[...weeks]}::int[]) as w(k)`.execute(db);
  const size = rows.rows.length > 0 ? Number(rows.rows[0]!.size) : 0;
  return { size, active: new Map(rows.rows.map((r) => [Number(r.k), Number(r.n ?? 0n)])) };
}
