import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Executor } from '../db/index.ts';

/**
 * Read-only facts for anti-money-laundering monitoring, from the decision log: the monthly income
 * applicants declared (loan and credit-line applications alike are decided here), and devices that
 * several applicants applied from.
 */

/** Each applicant's monthly income (minor units) as declared on their latest decided application. */
export async function declaredIncomes(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, bigint>> {
  if (userIds.length === 0) return new Map();
  const rows = await sql<{ applicant_id: string; income: string }>`
    select distinct on (applicant_id) applicant_id,
           round((input -> 'application' ->> 'monthlyIncome')::numeric * 100)::bigint::text as income
    from risk_decisions
    where applicant_id = any(${[...userIds]}::uuid[]) and variant <> 'simulation'
      and input -> 'application' ->> 'monthlyIncome' ~ '^[0-9]+(\\.[0-9]{1,2})?$'
    order by applicant_id, created_at desc`.execute(db);
  return new Map(rows.rows.map((r) => [r.applicant_id, BigInt(r.income)]));
}

/** Devices that applications of at least `minAccounts` applicants came from. */
export async function sharedDevices(
  db: Executor,
  minAccounts: number,
): Promise<{ kind: 'device'; key: string; userIds: string[] }[]> {
  const rows = await sql<{ device: string; users: string[] }>`
    select input -> 'application' ->> 'device' as device, array_agg(distinct applicant_id::text order by applicant_id::text) as users
    from risk_decisions
    where applicant_id is not null and variant <> 'simulation' and input -> 'application' ->> 'device' is not null
    group by 1 having count(distinct applicant_id) >= ${minAccounts}`.execute(db);
  return rows.rows.map((r) => ({
    kind: 'device',
    key: createHash('sha256').update(r.device).digest('hex').slice(0, 32),
    userIds: r.users,
  }));
}
