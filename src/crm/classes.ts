import { sql } from 'kysely';
import { type Executor, inTransaction } from '../db/index.ts';
import { type AuditContext, actorId, staffAmong } from '../identity/index.ts';
import { notFound, type PlainDate, ruleViolation } from '../kernel/index.ts';
import type { CrmContext } from './context.ts';
import { readRules } from './settings.ts';

/**
 * ABC classes (issue 20). After the portraits of a date are written, every customer is classed on
 * them by the class rules: A, the top aTopPercent% by contribution (ranked over all customers, ties
 * by id, only customers who contributed something) or assets of at least aAssetsMinor; B, the next
 * bNextPercent% by contribution; C, everyone else. A customer whose class differs from yesterday's
 * (or who had none) gets a class change row with the reason and the figures it was decided on, and
 * the portrait is updated, in one transaction (the step's single chunk): run again, it finds no
 * change. Set-based: one statement whatever the number of customers (unchanged portraits are not written).
 */
export const CLASSES = ['A', 'B', 'C'] as const;
export type CustomerClass = (typeof CLASSES)[number];

export async function classify(context: CrmContext, trx: Executor, date: PlainDate): Promise<number> {
  const rules = await readRules(trx);
  const decided = sql`
    with ranked as (
      select user_id, contribution, aum, class,
        row_number() over (order by contribution desc, user_id) as rank, count(*) over () as n
      from crm_portraits),
    decided as (
      select user_id, class as from_class, contribution, aum, rank, n,
        case
          when contribution > 0 and rank <= ceil(n * ${rules.aTopPercent}::numeric / 100) then 'top_contribution'
          when aum >= ${rules.aAssetsMinor.toString()}::int8 then 'assets'
          when contribution > 0 and rank <= ceil(n * ${rules.aTopPercent + rules.bNextPercent}::numeric / 100) then 'next_contribution'
          else 'rest' end as reason
      from ranked)
    select user_id, from_class, contribution, aum, rank, n, reason,
      case reason when 'top_contribution' then 'A' when 'assets' then 'A' when 'next_contribution' then 'B' else 'C' end as to_class
    from decided`;
  // One statement: the ranking is computed once, and the class changes and the portraits' updates
  // (only the rows whose class or reason changed) are both written from it.
  const changed = await sql<{ n: number }>`
    with d as (${decided}),
    changes as (
      insert into crm_class_changes (id, user_id, from_class, to_class, reason, detail, business_date, created_at)
      select gen_random_uuid(), user_id, from_class, to_class, reason,
        jsonb_build_object('contribution', contribution::text, 'aum', aum::text, 'rank', rank, 'of', n,
          'aTopPercent', ${rules.aTopPercent}::int, 'bNextPercent', ${rules.bNextPercent}::int,
          'aAssets', ${rules.aAssetsMinor.toString()}::text),
        ${date}::date, ${context.clock.now()}
      from d where from_class is distinct from to_class
      returning user_id),
    updated as (
      update crm_portraits p set class = d.to_class, class_reason = d.reason,
        class_since = case when p.class is distinct from d.to_class then ${date}::date else p.class_since end
      from d where d.user_id = p.user_id
        and (p.class is distinct from d.to_class or p.class_reason is distinct from d.reason)
      returning p.user_id)
    select (select count(*) from changes)::int as n, (select count(*) from updated)::int as u`.execute(trx);
  return Number(changed.rows[0]!.n);
}

export interface ClassChange {
  readonly id: string;
  readonly userId: string;
  readonly fromClass: CustomerClass | null;
  readonly toClass: CustomerClass;
  readonly reason: string;
  readonly detail: Record<string, unknown>;
  readonly businessDate: PlainDate;
  readonly createdAt: Date;
}

export async function classHistory(db: Executor, userId: string): Promise<ClassChange[]> {
  const rows = await sql<{
    id: string;
    user_id: string;
    from_class: CustomerClass | null;
    to_class: CustomerClass;
    reason: string;
    detail: Record<string, unknown>;
    business_date: string;
    created_at: Date;
  }>`
    select id, user_id, from_class, to_class, reason, detail, business_date::text as business_date, created_at
    from crm_class_changes where user_id = ${userId}::uuid order by business_date, created_at, id`.execute(
    db,
  );
  return rows.rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    fromClass: r.from_class,
    toClass: r.to_class,
    reason: r.reason,
    detail: r.detail,
    businessDate: r.business_date as PlainDate,
    createdAt: r.created_at,
  }));
}

export interface ClassSummary {
  readonly asOf: PlainDate | null;
  readonly classes: {
    readonly class: CustomerClass | 'unclassed';
    readonly customers: number;
    readonly contribution: bigint;
    readonly aum: bigint;
  }[];
  readonly aWithoutManager: number;
}

export async function classSummary(db: Executor): Promise<ClassSummary> {
  const rows = await sql<{
    class: string | null;
    n: number;
    contribution: bigint;
    aum: bigint;
    as_of: string | null;
  }>`
    select class, count(*)::int as n, coalesce(sum(contribution), 0)::int8 as contribution,
           coalesce(sum(aum), 0)::int8 as aum,
           greatest(max(as_of), (select b.computed_on from crm_portrait_basis b))::text as as_of
    from crm_portraits group by class`.execute(db);
  const unmanaged = await sql<{ n: number }>`
    select count(*)::int as n from crm_portraits p
    where p.class = 'A' and not exists (select 1 from crm_managers m where m.user_id = p.user_id)`.execute(
    db,
  );
  const of = (c: string | null) => rows.rows.find((r) => r.class === c);
  const asOf =
    rows.rows
      .map((r) => r.as_of)
      .filter((d): d is string => d !== null)
      .sort()
      .at(-1) ?? null;
  return {
    asOf: asOf as PlainDate | null,
    classes: [...CLASSES, 'unclassed' as const].map((c) => {
      const row = of(c === 'unclassed' ? null : c);
      return {
        class: c,
        customers: Number(row?.n ?? 0),
        contribution: BigInt(row?.contribution ?? 0n),
        aum: BigInt(row?.aum ?? 0n),
      };
    }),
    aWithoutManager: Number(unmanaged.rows[0]!.n),
  };
}

export interface ManagerAssignment {
  readonly userId: string;
  readonly managerId: string;
  readonly assignedBy: string;
  readonly assignedAt: Date;
}

/** Names a staff user the relationship manager of an A customer (replacing any before). */
export async function assignManager(
  context: CrmContext,
  userId: string,
  managerId: string,
  audit: AuditContext,
): Promise<ManagerAssignment> {
  return inTransaction(context.db, async (trx) => {
    const portrait = await sql<{ class: string | null }>`
      select class from crm_portraits where user_id = ${userId}::uuid for update`.execute(trx);
    if (!portrait.rows[0]) throw notFound('portrait_not_found', 'no portrait of this customer yet');
    if (portrait.rows[0].class !== 'A')
      throw ruleViolation('not_class_a', 'relationship managers are assigned to A customers');
    if (!(await staffAmong(trx, [managerId])).has(managerId))
      throw ruleViolation('manager_not_staff', 'a relationship manager is an active staff user');
    const before = await sql<{ manager_id: string }>`
      select manager_id from crm_managers where user_id = ${userId}::uuid`.execute(trx);
    const at = context.clock.now();
    await sql`
      insert into crm_managers (user_id, manager_id, assigned_by, assigned_at)
      values (${userId}::uuid, ${managerId}::uuid, ${actorId(audit.principal)}, ${at})
      on conflict (user_id) do update set manager_id = excluded.manager_id, assigned_by = excluded.assigned_by,
        assigned_at = excluded.assigned_at`.execute(trx);
    await context.identity.audit(
      audit,
      {
        action: 'crm.manager_assigned',
        subjectType: 'user',
        subjectId: userId,
        before: { managerId: before.rows[0]?.manager_id ?? null },
        after: { managerId },
      },
      trx,
    );
    return { userId, managerId, assignedBy: actorId(audit.principal), assignedAt: at };
  });
}

export async function managerOf(db: Executor, userId: string): Promise<ManagerAssignment | null> {
  const rows = await sql<{ manager_id: string; assigned_by: string; assigned_at: Date }>`
    select manager_id, assigned_by, assigned_at from crm_managers where user_id = ${userId}::uuid`.execute(
    db,
  );
  const r = rows.rows[0];
  return r ? { userId, managerId: r.manager_id, assignedBy: r.assigned_by, assignedAt: r.assigned_at } : null;
}

/** A customers without a relationship manager, by id (keyset). */
export async function unmanagedA(db: Executor, after: string | null, limit: number): Promise<string[]> {
  const rows = await sql<{ user_id: string }>`
    select p.user_id from crm_portraits p
    where p.class = 'A' and not exists (select 1 from crm_managers m where m.user_id = p.user_id)
      and (${after}::uuid is null or p.user_id > ${after}::uuid)
    order by p.user_id limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.user_id);
}
