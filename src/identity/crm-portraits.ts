import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';
import type { PlainDate } from '../kernel/index.ts';
import { ageBandOn } from './analytics-users.ts';

/**
 * Read-only facts about customers for the CRM portraits (issue 20, src/crm): who they are (channel of
 * origin, age band and region from the verified ID, as the users dashboard reads them), how they use
 * the app (last seen, live sessions, active days), and their investor risk class (C1–C5) with its
 * history. Staff accounts are not customers. Everything is set-based over a range of user ids, so
 * that the day-close step reads a chunk of customers in a few statements.
 */
export interface CustomerFacts {
  readonly userId: string;
  readonly channel: string;
  readonly signedUpAt: Date;
  readonly kycLevel: number;
  readonly status: string;
  /** The age band on the date asked for (the users dashboard's bands), 'unknown' before verification. */
  readonly ageBand: string;
  /** The province (first two digits of the ID's administrative code) and city (first four), or null. */
  readonly province: string | null;
  readonly city: string | null;
  readonly sex: 'm' | 'f' | null;
  readonly lastSeenAt: Date | null;
  readonly activeDays30: number;
  /** The investor risk class (1 = C1 … 5 = C5) of the assessment in force, and when it expires. */
  readonly riskLevel: number | null;
  readonly riskExpiresOn: PlainDate | null;
}

const endOf = (date: PlainDate) => sql`((${date}::date + 1)::timestamp at time zone 'Asia/Shanghai')`;

/** Key ranges of about `size` customers: the chunks of the portraits step. */
export async function customerRanges(
  db: Executor,
  size: number,
): Promise<{ from: string | null; to: string | null }[]> {
  const rows = await sql<{ id: string }>`
    select id from (select id, row_number() over (order by id) as n from users where not is_staff) t
    where (n - 1) % ${size} = 0 order by id`.execute(db);
  if (rows.rows.length === 0) return [{ from: null, to: null }];
  return rows.rows.map((r, i) => ({ from: i === 0 ? null : r.id, to: rows.rows[i + 1]?.id ?? null }));
}

/**
 * A range of customers: ids within [from, to) (either end open), and, when `ids` is given, only
 * those (the portraits step's customers due for recomputing).
 */
export interface CustomerRange {
  readonly from: string | null;
  readonly to: string | null;
  readonly ids?: readonly string[] | null | undefined;
}

const inRange = (column: string, range: CustomerRange) =>
  sql`(${range.from}::uuid is null or ${sql.ref(column)} >= ${range.from}::uuid)
    and (${range.to}::uuid is null or ${sql.ref(column)} < ${range.to}::uuid)
    and (${range.ids ? [...range.ids] : null}::uuid[] is null or ${sql.ref(column)} = any(${range.ids ? [...range.ids] : null}::uuid[]))`;

/** The customers signed up by the end of `date` in the range. */
export async function customerFacts(
  db: Executor,
  range: CustomerRange,
  date: PlainDate,
): Promise<CustomerFacts[]> {
  const rows = await sql<{
    id: string;
    channel: string;
    created_at: Date;
    kyc_level: number;
    status: string;
    age_band: string;
    province: string | null;
    city: string | null;
    sex: string | null;
    last_seen: Date | null;
    active_days: number;
    level: number | null;
    expires_on: string | null;
  }>`
    select u.id, u.channel, u.created_at, u.kyc_level, u.status,
      ${ageBandOn(date)} as age_band,
      left(u.region_code, 2) as province, left(u.region_code, 4) as city,
      case u.sex when 'male' then 'm' when 'female' then 'f' else null end as sex,
      (select max(s.last_seen_at) from sessions s where s.user_id = u.id) as last_seen,
      (select count(*)::int from user_activity_days a
        where a.user_id = u.id and a.day between ${date}::date - 29 and ${date}::date) as active_days,
      ia.level, ia.expires_on::text as expires_on
    from users u left join investor_assessments ia on ia.user_id = u.id
    where not u.is_staff and u.created_at < ${endOf(date)} and ${inRange('u.id', range)}
    order by u.id`.execute(db);
  return rows.rows.map((r) => ({
    userId: r.id,
    channel: r.channel,
    signedUpAt: r.created_at,
    kycLevel: Number(r.kyc_level),
    status: r.status,
    ageBand: r.age_band,
    province: r.province,
    city: r.city,
    sex: r.sex === 'm' || r.sex === 'f' ? r.sex : null,
    lastSeenAt: r.last_seen,
    activeDays30: Number(r.active_days),
    riskLevel: r.level === null ? null : Number(r.level),
    riskExpiresOn: r.expires_on as PlainDate | null,
  }));
}

/**
 * For the portraits step: the earliest date after `date` on which time alone changes a customer's
 * facts as customerFacts reads them, by customer (none: no such date). The age band's next
 * threshold (the birthday it is reached, or the day after when age() has not reached it then, as
 * for 29 February), the oldest active day leaving the 30 days, an activity day recorded for a later
 * date, the risk assessment's expiry (the day after expires_on).
 */
export async function customerChangesOn(
  db: Executor,
  range: CustomerRange,
  date: PlainDate,
): Promise<Map<string, PlainDate>> {
  const rows = await sql<{ id: string; on: string | null }>`
    select u.id, least(
      (select min(greatest((u.birth_date + make_interval(years => y))::date, ${date}::date + 1))
         from unnest(array[18, 25, 35, 45, 55]) as y
         where u.birth_date is not null and date_part('year', age(${date}::date, u.birth_date)) < y),
      (select min(a.day) + 30 from user_activity_days a
         where a.user_id = u.id and a.day between ${date}::date - 29 and ${date}::date),
      (select min(a.day) from user_activity_days a where a.user_id = u.id and a.day > ${date}::date),
      (select ia.expires_on + 1 from investor_assessments ia where ia.user_id = u.id and ia.expires_on >= ${date}::date)
    )::text as on
    from users u
    where not u.is_staff and ${inRange('u.id', range)}`.execute(db);
  return new Map(rows.rows.filter((r) => r.on !== null).map((r) => [r.id, r.on as PlainDate]));
}

/**
 * The customers signed up by the end of `date`, as an SQL statement of (id) rows, for the portraits
 * step to find those without a portrait.
 */
export const customersSignedUpBy = (date: PlainDate) =>
  sql<{ id: string }>`select id from users where not is_staff and created_at < ${endOf(date)}`;

export interface RiskClassChange {
  readonly level: number;
  readonly previousLevel: number | null;
  readonly lowest: boolean;
  readonly assessedOn: PlainDate;
}

/** A customer's risk class history, oldest first. */
export async function riskClassHistory(db: Executor, userId: string): Promise<RiskClassChange[]> {
  const rows = await sql<{
    level: number;
    previous_level: number | null;
    lowest: boolean;
    assessed_on: string;
  }>`
    select level, previous_level, lowest, assessed_on::text as assessed_on from investor_assessment_history
    where user_id = ${userId}::uuid order by assessed_at, id`.execute(db);
  return rows.rows.map((r) => ({
    level: Number(r.level),
    previousLevel: r.previous_level === null ? null : Number(r.previous_level),
    lowest: r.lowest,
    assessedOn: r.assessed_on as PlainDate,
  }));
}

/** Live: when the customer was last seen and how many sessions are open now. */
export async function liveSessionsOf(
  db: Executor,
  userId: string,
  now: Date,
): Promise<{ lastSeenAt: Date | null; openSessions: number }> {
  const rows = await sql<{ last_seen: Date | null; open: number }>`
    select max(last_seen_at) as last_seen,
           count(*) filter (where revoked_at is null and expires_at > ${now})::int as open
    from sessions where user_id = ${userId}::uuid`.execute(db);
  return { lastSeenAt: rows.rows[0]?.last_seen ?? null, openSessions: Number(rows.rows[0]?.open ?? 0) };
}

/** Whether these ids are staff users (a relationship manager must be one), by id. */
export async function staffAmong(db: Executor, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await sql<{ id: string }>`
    select id from users where is_staff and status = 'active' and id = any(${userIds}::uuid[])`.execute(db);
  return new Set(rows.rows.map((r) => r.id));
}
